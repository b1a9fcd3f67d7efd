#include "block/consistency_delay_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "block/block_test_util.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

double GaugeValue(prometheus::Registry& registry, const std::string& name) {
  for (const auto& family : registry.Collect()) {
    if (family.name == name && !family.metric.empty()) return family.metric[0].gauge.value;
  }
  return -1;
}

TEST(ConsistencyDelayFilter, ExportsConfiguredDelay) {
  prometheus::Registry registry;
  testutil::FakeClock clock(kNow);
  ASSERT_OK_AND_ASSIGN(
      auto f, ConsistencyDelayFilter::Create({.delay = absl::Minutes(30), .clock = clock.AsClock()},
                                             registry));
  EXPECT_EQ(GaugeValue(registry, "thanos_consistency_delay_seconds"), 1800);
}

TEST(ConsistencyDelayFilter, Table) {
  const absl::Duration delay = absl::Minutes(30);
  struct Case {
    const char* name;
    absl::Duration ulid_age;
    std::string upload_time;  // RFC 3339, "" for none
    std::string source;
    bool kept;
  };
  const std::string old_upload =
      absl::FormatTime(absl::RFC3339_full, kNow - absl::Hours(1), absl::UTCTimeZone());
  const std::string fresh_upload =
      absl::FormatTime(absl::RFC3339_full, kNow - absl::Minutes(10), absl::UTCTimeZone());
  const std::string exact_upload =
      absl::FormatTime(absl::RFC3339_full, kNow - delay, absl::UTCTimeZone());
  const Case cases[] = {
      {"old ulid", absl::Hours(1), "", "sidecar", true},
      {"fresh ulid", absl::Minutes(10), "", "sidecar", false},
      {"ulid exactly delay old", delay, "", "sidecar", true},
      {"ulid 1ms short of delay", delay - absl::Milliseconds(1), "", "sidecar", false},
      {"ulid from the future wraps and is kept", -absl::Minutes(5), "", "sidecar", true},
      {"fresh ulid, old upload time", absl::Minutes(1), old_upload, "receive", true},
      {"old ulid, fresh upload time", absl::Hours(5), fresh_upload, "receive", false},
      {"upload time exactly delay old", absl::Minutes(1), exact_upload, "receive", true},
      {"fresh compactor block", absl::Minutes(1), "", "compactor", true},
      {"fresh compactor.repair block", absl::Minutes(1), "", "compactor.repair", true},
      {"fresh bucket.repair block", absl::Minutes(1), "", "bucket.repair", true},
      {"fresh bucket.rewrite block", absl::Minutes(1), "", "bucket.rewrite", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    prometheus::Registry registry;
    testutil::FakeClock clock(kNow);
    ASSERT_OK_AND_ASSIGN(auto f, ConsistencyDelayFilter::Create(
                                     {.delay = delay, .clock = clock.AsClock()}, registry));
    base::Ulid id =
        base::Ulid::FromTime(static_cast<uint64_t>(absl::ToUnixMillis(kNow - c.ulid_age)), 7);
    MetaMap metas{
        {id, testutil::Meta({.id = id, .source = c.source, .upload_time = c.upload_time})}};
    SyncedCounts synced;
    ASSERT_OK(f->Filter(metas, synced));
    EXPECT_EQ(metas.size(), c.kept ? 1u : 0u);
    EXPECT_EQ(synced.Get(kTooFreshState), c.kept ? 0 : 1);
  }
}

TEST(ConsistencyDelayFilter, ZeroDelayKeepsEverythingWithoutUploadTime) {
  prometheus::Registry registry;
  testutil::FakeClock clock(kNow);
  ASSERT_OK_AND_ASSIGN(auto f,
                       ConsistencyDelayFilter::Create({.clock = clock.AsClock()}, registry));
  base::Ulid id = base::Ulid::FromTime(static_cast<uint64_t>(absl::ToUnixMillis(kNow)), 1);
  MetaMap metas{{id, testutil::Meta({.id = id})}};
  SyncedCounts synced;
  ASSERT_OK(f->Filter(metas, synced));
  EXPECT_EQ(metas.size(), 1u);
}

}  // namespace
}  // namespace charon::block
