#include "cache/lru_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "cache/metrics_testing.h"
#include "testing/status_matchers.h"

namespace charon::cache {
namespace {

using ::charon::testing::StatusIs;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  std::function<absl::Time()> Fn() {
    return [this] { return now; };
  }
};

std::unique_ptr<LruCache> MakeLru(int64_t max_size, int64_t max_item, prometheus::Registry& reg,
                                  FakeClock* clock) {
  absl::StatusOr<std::unique_ptr<LruCache>> c =
      LruCache::Create("test", LruCacheConfig{max_size, max_item}, reg, clock->Fn());
  EXPECT_TRUE(c.ok()) << c.status();
  return std::move(c).value();
}

TEST(LruCache, StoresAndFetches) {
  prometheus::Registry reg;
  FakeClock clock;
  auto c = MakeLru(100, 50, reg, &clock);
  c->Store({{"a", "1"}, {"b", "22"}}, absl::Minutes(1));
  EXPECT_THAT(c->Fetch({"a", "b", "c"}), UnorderedElementsAre(Pair("a", "1"), Pair("b", "22")));
  EXPECT_EQ(c->SizeBytes(), 3);
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_requests_total"), 3);
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_hits_total"), 2);
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_items"), 2);
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_total_size_bytes"), 5);
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_max_size_bytes"), 100);
}

TEST(LruCache, ExistingKeyIsNotOverwritten) {
  prometheus::Registry reg;
  FakeClock clock;
  auto c = MakeLru(100, 50, reg, &clock);
  c->Store({{"a", "first"}}, absl::Minutes(1));
  c->Store({{"a", "second"}}, absl::Minutes(1));
  EXPECT_THAT(c->Fetch({"a"}), UnorderedElementsAre(Pair("a", "first")));
}

TEST(LruCache, TooLargeItemOverflows) {
  prometheus::Registry reg;
  FakeClock clock;
  auto c = MakeLru(100, 5, reg, &clock);
  c->Store({{"big", "123456"}, {"ok", "12345"}}, absl::Minutes(1));
  EXPECT_THAT(c->Fetch({"big", "ok"}), UnorderedElementsAre(Pair("ok", "12345")));
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_items_overflowed_total"), 1);
}

TEST(LruCache, EvictsLeastRecentlyUsedFirst) {
  prometheus::Registry reg;
  FakeClock clock;
  auto c = MakeLru(10, 10, reg, &clock);
  c->Store({{"a", "aaaa"}, {"b", "bbbb"}}, absl::Minutes(1));
  ASSERT_EQ(c->Fetch({"a"}).size(), 1u);  // a is now more recent than b
  c->Store({{"c", "cccc"}}, absl::Minutes(1));
  EXPECT_THAT(c->Fetch({"a", "b", "c"}),
              UnorderedElementsAre(Pair("a", "aaaa"), Pair("c", "cccc")));
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_items_evicted_total"), 1);
  // An item as large as the whole cache evicts everything else.
  c->Store({{"d", "dddddddddd"}}, absl::Minutes(1));
  EXPECT_THAT(c->Fetch({"a", "c", "d"}), UnorderedElementsAre(Pair("d", "dddddddddd")));
  EXPECT_EQ(c->ItemCount(), 1);
  EXPECT_EQ(c->SizeBytes(), 10);
}

TEST(LruCache, ExpiredItemIsAMissAndRemoved) {
  prometheus::Registry reg;
  FakeClock clock;
  auto c = MakeLru(100, 50, reg, &clock);
  c->Store({{"short", "s"}}, absl::Seconds(10));
  c->Store({{"long", "l"}}, absl::Hours(1));
  clock.now += absl::Seconds(9);
  EXPECT_EQ(c->Fetch({"short", "long"}).size(), 2u);
  clock.now += absl::Seconds(1);
  EXPECT_THAT(c->Fetch({"short", "long"}), UnorderedElementsAre(Pair("long", "l")));
  EXPECT_EQ(MetricValue(reg, "thanos_cache_inmemory_hits_on_expired_data_total"), 1);
  EXPECT_EQ(c->ItemCount(), 1);
  // Once expired and removed, the key can be stored again.
  c->Store({{"short", "new"}}, absl::Seconds(10));
  EXPECT_THAT(c->Fetch({"short"}), UnorderedElementsAre(Pair("short", "new")));
}

TEST(LruCache, NonPositiveTtlStoresNothing) {
  prometheus::Registry reg;
  FakeClock clock;
  auto c = MakeLru(100, 50, reg, &clock);
  c->Store({{"a", "1"}}, absl::ZeroDuration());
  EXPECT_THAT(c->Fetch({"a"}), IsEmpty());
}

TEST(LruCache, RejectsItemLimitAboveTotal) {
  prometheus::Registry reg;
  EXPECT_THAT(LruCache::Create("x", LruCacheConfig{10, 11}, reg),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseLruCacheConfig, DefaultsAndSizes) {
  ASSERT_OK_AND_ASSIGN(YAML::Node empty, config::ParseYaml("", "t"));
  ASSERT_OK_AND_ASSIGN(config::YamlMap m0, config::YamlMap::Of(empty, "config", "t"));
  ASSERT_OK_AND_ASSIGN(LruCacheConfig d, ParseLruCacheConfig(m0));
  EXPECT_EQ(d.max_size, 250 << 20);
  EXPECT_EQ(d.max_item_size, 125 << 20);

  ASSERT_OK_AND_ASSIGN(YAML::Node n, config::ParseYaml("max_size: 1GB\nmax_item_size: 2MiB", "t"));
  ASSERT_OK_AND_ASSIGN(config::YamlMap m, config::YamlMap::Of(n, "config", "t"));
  ASSERT_OK_AND_ASSIGN(LruCacheConfig c, ParseLruCacheConfig(m));
  EXPECT_EQ(c.max_size, int64_t{1} << 30);
  EXPECT_EQ(c.max_item_size, 2 << 20);

  ASSERT_OK_AND_ASSIGN(YAML::Node bad, config::ParseYaml("max_size: 1MB\nmax_item_size: 2MB", "t"));
  ASSERT_OK_AND_ASSIGN(config::YamlMap mb, config::YamlMap::Of(bad, "config", "t"));
  EXPECT_THAT(ParseLruCacheConfig(mb),
              StatusIs(absl::StatusCode::kInvalidArgument, "cannot be bigger"));
}

}  // namespace
}  // namespace charon::cache
