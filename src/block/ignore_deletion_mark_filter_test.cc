#include "block/ignore_deletion_mark_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "block/block_test_util.h"
#include "objstore/error_bucket.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

class IgnoreDeletionMarkFilterTest : public ::testing::Test {
 protected:
  base::Ulid AddBlock(uint64_t seed) {
    base::Ulid id = base::Ulid::FromTime(1'600'000'000'000, seed);
    metas_[id] = testutil::Meta({.id = id});
    return id;
  }
  void Mark(const base::Ulid& id, std::string_view json) {
    testutil::MustWriteFile(dir_.Path(id.ToString() + "/deletion-mark.json"), json);
  }
  void MarkAt(const base::Ulid& id, absl::Time t) {
    Mark(id, testutil::DeletionMarkJson(id, absl::ToUnixSeconds(t)));
  }
  IgnoreDeletionMarkFilterOptions Options() {
    return {.delay = absl::Hours(24), .concurrency = 4, .clock = clock_.AsClock()};
  }

  charon::testing::TempDir dir_ = testutil::NewTempDir();
  std::unique_ptr<objstore::Bucket> bucket_ = testutil::NewBucket(dir_.path());
  testutil::FakeClock clock_{kNow};
  MetaMap metas_;
};

TEST_F(IgnoreDeletionMarkFilterTest, DropsOnlyMarksOlderThanDelay) {
  base::Ulid unmarked = AddBlock(1);
  base::Ulid old_mark = AddBlock(2);
  base::Ulid young_mark = AddBlock(3);
  base::Ulid exact_mark = AddBlock(4);
  base::Ulid just_over = AddBlock(5);
  MarkAt(old_mark, kNow - absl::Hours(48));
  MarkAt(young_mark, kNow - absl::Hours(1));
  MarkAt(exact_mark, kNow - absl::Hours(24));                    // not strictly older: kept
  MarkAt(just_over, kNow - absl::Hours(24) - absl::Seconds(1));  // dropped

  IgnoreDeletionMarkFilter f(*bucket_, Options());
  SyncedCounts synced;
  ASSERT_OK(f.Filter(metas_, synced));
  std::vector<base::Ulid> kept;
  for (const auto& [id, meta] : metas_) kept.push_back(id);
  EXPECT_THAT(kept, ElementsAre(unmarked, young_mark, exact_mark));
  EXPECT_EQ(synced.Get(kMarkedForDeletionState), 2);

  auto marks = f.DeletionMarks();
  EXPECT_EQ(marks.size(), 4u);
  EXPECT_EQ(marks.count(unmarked), 0u);
  EXPECT_EQ(marks.at(young_mark).deletion_time, absl::ToUnixSeconds(kNow - absl::Hours(1)));
}

TEST_F(IgnoreDeletionMarkFilterTest, YoungMarkExpiresAsClockMoves) {
  base::Ulid id = AddBlock(1);
  MarkAt(id, kNow - absl::Hours(23));
  IgnoreDeletionMarkFilter f(*bucket_, Options());
  SyncedCounts synced;
  ASSERT_OK(f.Filter(metas_, synced));
  EXPECT_EQ(metas_.size(), 1u);
  clock_.Advance(absl::Hours(1) + absl::Seconds(1));
  ASSERT_OK(f.Filter(metas_, synced));
  EXPECT_TRUE(metas_.empty());
}

TEST_F(IgnoreDeletionMarkFilterTest, UnparsableMarkIsIgnored) {
  base::Ulid id = AddBlock(1);
  Mark(id, R"({"id":")");
  IgnoreDeletionMarkFilter f(*bucket_, Options());
  SyncedCounts synced;
  ASSERT_OK(f.Filter(metas_, synced));
  EXPECT_EQ(metas_.size(), 1u);
  EXPECT_TRUE(f.DeletionMarks().empty());
}

TEST_F(IgnoreDeletionMarkFilterTest, ReadErrorFailsTheFilter) {
  base::Ulid ok = AddBlock(1);
  base::Ulid broken = AddBlock(2);
  MarkAt(ok, kNow - absl::Hours(48));
  objstore::ErrorBucket errors(bucket_.get());
  errors.FailOp(objstore::BucketOp::kGet, broken.ToString() + "/deletion-mark.json",
                absl::UnavailableError("503"));
  IgnoreDeletionMarkFilter f(errors, Options());
  SyncedCounts synced;
  EXPECT_THAT(f.Filter(metas_, synced), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(metas_.size(), 2u);
}

TEST_F(IgnoreDeletionMarkFilterTest, UnknownMarkVersionFailsTheFilter) {
  base::Ulid id = AddBlock(1);
  Mark(id, R"({"version":2,"deletion_time":1})");
  IgnoreDeletionMarkFilter f(*bucket_, Options());
  SyncedCounts synced;
  EXPECT_THAT(f.Filter(metas_, synced), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace charon::block
