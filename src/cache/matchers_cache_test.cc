#include "cache/matchers_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::cache {
namespace {

using ::charon::testing::StatusIs;
using tsdb::MatchType;

double Metric(prometheus::Registry& reg, const std::string& name) {
  for (const auto& family : reg.Collect()) {
    if (family.name == name) return family.metric[0].counter.value + family.metric[0].gauge.value;
  }
  return -1;
}

TEST(MatchersCache, CachesCompiledRegexesInAnLru) {
  prometheus::Registry reg;
  MatchersCache cache(2, reg);
  ASSERT_OK_AND_ASSIGN(tsdb::Matcher a, cache.GetOrCreate(MatchType::kRegexMatch, "job", "api|db"));
  EXPECT_TRUE(a.Matches("db"));
  EXPECT_FALSE(a.Matches("dbx"));
  ASSERT_OK_AND_ASSIGN(a, cache.GetOrCreate(MatchType::kRegexMatch, "job", "api|db"));
  EXPECT_TRUE(a.Matches("api"));
  ASSERT_OK_AND_ASSIGN(tsdb::Matcher n,
                       cache.GetOrCreate(MatchType::kRegexNoMatch, "job", "api|db"));
  EXPECT_FALSE(n.Matches("api"));  // same name and value, other type: another entry
  EXPECT_EQ(Metric(reg, "thanos_matchers_cache_requests_total"), 3);
  EXPECT_EQ(Metric(reg, "thanos_matchers_cache_hits_total"), 1);
  EXPECT_EQ(cache.ItemCount(), 2);

  // Equality matchers are not cached nor counted.
  ASSERT_OK(cache.GetOrCreate(MatchType::kEqual, "job", "api").status());
  EXPECT_EQ(Metric(reg, "thanos_matchers_cache_requests_total"), 3);

  // A third regex evicts the least recently used one.
  ASSERT_OK(cache.GetOrCreate(MatchType::kRegexMatch, "instance", "a.*").status());
  EXPECT_EQ(cache.ItemCount(), 2);
  EXPECT_EQ(Metric(reg, "thanos_matchers_cache_evicted_total"), 1);
  EXPECT_EQ(Metric(reg, "thanos_matchers_cache_items"), 2);
  EXPECT_EQ(Metric(reg, "thanos_matchers_cache_max_items"), 2);
}

TEST(MatchersCache, ABadRegexIsAnErrorAndNotCached) {
  prometheus::Registry reg;
  MatchersCache cache(10, reg);
  EXPECT_THAT(cache.GetOrCreate(MatchType::kRegexMatch, "job", "(unclosed"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(cache.ItemCount(), 0);
}

}  // namespace
}  // namespace charon::cache
