#include "block/time_partition_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "block/block_test_util.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::testing::ElementsAre;

std::vector<base::Ulid> Keys(const MetaMap& m) {
  std::vector<base::Ulid> out;
  for (const auto& [id, meta] : m) out.push_back(id);
  return out;
}

TEST(TimePartitionFilter, DefaultsKeepEverything) {
  MetaMap metas;
  base::Ulid a = base::Ulid::FromTime(1, 1);
  base::Ulid b = base::Ulid::FromTime(2, 2);
  metas[a] = testutil::Meta({.id = a, .min_time = -1'000'000'000'000, .max_time = 0});
  metas[b] = testutil::Meta({.id = b, .min_time = 0, .max_time = 200'000'000'000'000});
  SyncedCounts synced;
  TimePartitionFilter f({});
  ASSERT_OK(f.Filter(metas, synced));
  EXPECT_THAT(Keys(metas), ElementsAre(a, b));
  EXPECT_EQ(synced.Get(kTimeExcludedState), 0);
}

TEST(TimePartitionFilter, AbsoluteBoundsAreInclusive) {
  // Partition [1000, 2000]; blocks are [min, max) but compared as Thanos does, inclusively.
  struct Case {
    const char* name;
    int64_t min_time, max_time;
    bool kept;
  };
  const Case cases[] = {
      {"inside", 1200, 1800, true},        {"covers", 0, 5000, true},
      {"ends at min", 0, 1000, true},      {"ends before min", 0, 999, false},
      {"starts at max", 2000, 3000, true}, {"starts after max", 2001, 3000, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    base::Ulid id = base::Ulid::FromTime(1, 1);
    MetaMap metas{{id, testutil::Meta({.id = id, .min_time = c.min_time, .max_time = c.max_time})}};
    SyncedCounts synced;
    TimePartitionFilter f({.min_time = AbsoluteTimeBound(absl::FromUnixMillis(1000)),
                           .max_time = AbsoluteTimeBound(absl::FromUnixMillis(2000))});
    ASSERT_OK(f.Filter(metas, synced));
    EXPECT_EQ(metas.size(), c.kept ? 1u : 0u);
    EXPECT_EQ(synced.Get(kTimeExcludedState), c.kept ? 0 : 1);
  }
}

TEST(TimePartitionFilter, DurationsAreResolvedAtFilterTime) {
  // --min-time=-2h --max-time=-1h relative to a clock that moves between fetches.
  testutil::FakeClock clock(absl::FromUnixSeconds(10 * 3600));
  TimePartitionFilter f({.min_time = RelativeTimeBound(absl::Hours(-2), clock.AsClock()),
                         .max_time = RelativeTimeBound(absl::Hours(-1), clock.AsClock())});
  base::Ulid id = base::Ulid::FromTime(1, 1);
  auto meta = testutil::Meta({.id = id, .min_time = 7 * 3'600'000, .max_time = 8 * 3'600'000});

  MetaMap metas{{id, meta}};
  SyncedCounts synced;
  ASSERT_OK(f.Filter(metas, synced));  // window [8h, 9h]: block ends at 8h, kept
  EXPECT_EQ(metas.size(), 1u);

  clock.Advance(absl::Milliseconds(1));  // window starts 1 ms after the block's end
  ASSERT_OK(f.Filter(metas, synced));
  EXPECT_TRUE(metas.empty());
  EXPECT_EQ(synced.Get(kTimeExcludedState), 1);
}

}  // namespace
}  // namespace charon::block
