// The Series and label calls over many blocks: round trips counted by a WaveBucket (a remote
// bucket's latency is about waves x delay), cancellation, deadlines and the downloaded-bytes
// limit. The blocks are copies of one promtool block under distinct ULIDs and external labels.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "objstore/filesystem_bucket.h"
#include "store/bucket_store.h"
#include "store/memory_budget.h"
#include "store/store_test_util.h"
#include "store/wave_bucket.h"
#include "testing/block_fixtures.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::store {
namespace {

using ::charon::testing::kFixtureStartMs;
using ::charon::testing::StatusIs;
using tsdb::MatchType;

constexpr int kSeriesPerBlock = 6;
// Long enough that the requests of one wave, issued by threads of a loaded machine, are never
// split into two waves.
constexpr absl::Duration kQuiet = absl::Milliseconds(400);

// `n` copies of one block (2h, kSeriesPerBlock series of `up`, 4 chunks each), copy i with the
// external label copy=<i>.
std::string MakeBucket(const std::string& root, int n) {
  testing::BlockBuilder b;
  for (int i = 0; i < kSeriesPerBlock; ++i) {
    b.AddRegularSeries({{"__name__", "up"}, {"instance", absl::StrCat("i-", i)}}, kFixtureStartMs,
                       15'000, 480);
  }
  b.SetThanosMeta({.external_labels = {{"copy", "x"}}});
  auto dir = WriteBlockCopies(b, root, n);
  EXPECT_OK(dir.status());
  return dir.value_or("");
}

class ManyBlocksTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    std::string dir = MakeBucket(root_.path(), GetParam());
    auto fs = objstore::FilesystemBucket::Open(dir);
    ASSERT_OK(fs.status());
    waves_ = std::make_shared<WaveBucket>(std::move(fs).value(), kQuiet);
    options_.load.data_dir = data_dir_.path();
  }

  void Start() {
    store_ = std::make_unique<BucketStore>(waves_, AllBlocks(waves_), options_, registry_);
    ASSERT_OK(store_->InitialSync());
    ASSERT_EQ(store_->Blocks().size(), static_cast<size_t>(GetParam()));
    waves_->set_enabled(true);
  }

  SeriesRequest Up() {
    SeriesRequest req;
    req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
    return req;
  }

  testing::TempDir root_ = testing::TempDir::Create().value();
  testing::TempDir data_dir_ = testing::TempDir::Create().value();
  prometheus::Registry registry_;
  BucketStoreOptions options_;
  std::shared_ptr<WaveBucket> waves_;
  std::unique_ptr<BucketStore> store_;
};

TEST_P(ManyBlocksTest, SeriesTakesThreeRoundTripsWhateverTheBlockCount) {
  Start();
  SeriesRequest req = Up();
  CollectingSink sink(req.min_time, req.max_time);
  ASSERT_OK(store_->Series(req, sink, nullptr));
  EXPECT_EQ(sink.series.size(), static_cast<size_t>(kSeriesPerBlock * GetParam()));
  for (const auto& s : sink.series) EXPECT_EQ(s.samples.size(), 480u);
  // Postings, series entries, chunks: one request each per block, all blocks at once.
  EXPECT_EQ(waves_->waves(), 3);
  EXPECT_EQ(waves_->requests(), 3 * GetParam());
  EXPECT_EQ(waves_->max_wave_size(), GetParam());
}

TEST_P(ManyBlocksTest, LaterBatchesAreFetchedWhileTheMergeConsumes) {
  // Two series per batch: three batches per block. Later batches are fetched ahead, so a batch
  // costs a wave of series and a wave of chunks for all blocks together, not per block, even
  // though the merge reads the blocks one after another (copy=0's series sort first).
  options_.series_batch_size = 2;
  Start();
  SeriesRequest req = Up();
  CollectingSink sink(req.min_time, req.max_time);
  ASSERT_OK(store_->Series(req, sink, nullptr));
  EXPECT_EQ(sink.series.size(), static_cast<size_t>(kSeriesPerBlock * GetParam()));
  EXPECT_LE(waves_->waves(), 1 + 2 * 3);
  EXPECT_EQ(waves_->requests(), 7 * GetParam());
}

TEST_P(ManyBlocksTest, LabelCallsWithMatchersReadEveryBlockAtOnce) {
  Start();
  LabelValuesRequest req;
  req.label = "instance";
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  auto values = store_->LabelValues(req);
  ASSERT_OK(values.status());
  EXPECT_EQ(values->values.size(), static_cast<size_t>(kSeriesPerBlock));
  EXPECT_EQ(waves_->waves(), 2);  // postings, series entries

  waves_->Reset();
  LabelNamesRequest names;
  names.matchers = req.matchers;
  auto got = store_->LabelNames(names);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->values, (std::vector<std::string>{"__name__", "copy", "instance"}));
  EXPECT_EQ(waves_->waves(), 2);
}

TEST_P(ManyBlocksTest, CancelledQueryStartsNoFurtherRequest) {
  Start();
  std::atomic<bool> cancelled{false};
  int64_t requests_at_cancel = -1;
  // The client goes away while the series entries are on their way: the chunks are never asked.
  waves_->set_on_wave([&](int wave, int64_t requests) {
    if (wave != 2) return;
    cancelled = true;
    requests_at_cancel = requests;
  });
  SeriesRequest req = Up();
  req.call.cancelled = [&] { return cancelled.load(); };
  CollectingSink sink(req.min_time, req.max_time);
  EXPECT_THAT(store_->Series(req, sink, nullptr), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(requests_at_cancel, 2 * GetParam());
  EXPECT_EQ(waves_->requests(), requests_at_cancel);
  EXPECT_TRUE(sink.series.empty());
}

TEST_P(ManyBlocksTest, CancelledLabelCallStartsNoFurtherRequest) {
  Start();
  std::atomic<bool> cancelled{false};
  int64_t requests_at_cancel = -1;
  waves_->set_on_wave([&](int wave, int64_t requests) {
    if (wave != 1) return;
    cancelled = true;
    requests_at_cancel = requests;
  });
  LabelValuesRequest req;
  req.label = "instance";
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  req.call.cancelled = [&] { return cancelled.load(); };
  EXPECT_THAT(store_->LabelValues(req), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(requests_at_cancel, GetParam());  // the postings
  EXPECT_EQ(waves_->requests(), requests_at_cancel);
}

TEST_P(ManyBlocksTest, PastDeadlineStartsNoRequest) {
  Start();
  SeriesRequest req = Up();
  req.call.deadline = absl::Now() - absl::Seconds(1);
  CollectingSink sink(req.min_time, req.max_time);
  EXPECT_THAT(store_->Series(req, sink, nullptr), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(waves_->requests(), 0);
}

TEST_P(ManyBlocksTest, DownloadedBytesLimit) {
  options_.downloaded_bytes_limit = 1024;
  Start();
  SeriesRequest req = Up();
  CollectingSink sink(req.min_time, req.max_time);
  absl::Status s = store_->Series(req, sink, nullptr);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_NE(s.message().find("exceeded bytes limit while fetching "), std::string::npos) << s;
  EXPECT_NE(s.message().find("limit 1024 violated"), std::string::npos) << s;
  EXPECT_TRUE(sink.series.empty());
}

TEST_P(ManyBlocksTest, ChunkPoolHoldsFetchedBytesUntilSent) {
  options_.series_batch_size = 2;
  Start();
  SeriesRequest req = Up();
  CollectingSink sink(req.min_time, req.max_time);
  ASSERT_OK(store_->Series(req, sink, nullptr));
  EXPECT_GT(store_->memory_budget().peak(), 0u);
  EXPECT_EQ(store_->memory_budget().used(), 0u);
}

TEST_P(ManyBlocksTest, RequestLargerThanTheChunkPoolIsRefused) {
  options_.chunk_pool_size = 4096;
  Start();
  SeriesRequest req = Up();
  CollectingSink sink(req.min_time, req.max_time);
  absl::Status s = store_->Series(req, sink, nullptr);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_NE(s.message().find("--chunk-pool-size=4096"), std::string::npos) << s;
  EXPECT_EQ(store_->memory_budget().used(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Blocks, ManyBlocksTest, ::testing::Values(8, 64));

TEST(MemoryBudget, WaitsForOthersAndRefusesWhatCannotFit) {
  MemoryBudget budget(100, absl::Seconds(60));
  EXPECT_THAT(budget.Reserve(60, 50, {}), StatusIs(absl::StatusCode::kResourceExhausted));
  ASSERT_OK(budget.Reserve(80, 0, {}));
  std::thread release([&] { budget.Release(80); });
  // A new request waits until half the budget is free.
  EXPECT_OK(budget.Reserve(50, 0, {}));
  release.join();
  EXPECT_EQ(budget.used(), 50u);
  // A running request never waits (no deadlock between requests holding bytes).
  ASSERT_OK(budget.Reserve(60, 10, {}));
  EXPECT_EQ(budget.used(), 110u);
  budget.Release(60);
  CallContext gone;
  gone.cancelled = [] { return true; };
  EXPECT_THAT(budget.Reserve(60, 0, gone), StatusIs(absl::StatusCode::kCancelled));
  MemoryBudget impatient(100, absl::Milliseconds(30));
  ASSERT_OK(impatient.Reserve(100, 0, {}));
  EXPECT_THAT(impatient.Reserve(1, 0, {}), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(Gate, GivesUpWithTheCall) {
  Gate gate(1);
  ASSERT_OK(gate.Enter({}));
  CallContext late;
  late.deadline = absl::Now() + absl::Milliseconds(20);
  EXPECT_THAT(gate.Enter(late), StatusIs(absl::StatusCode::kDeadlineExceeded));
  CallContext gone;
  gone.cancelled = [] { return true; };
  EXPECT_THAT(gate.Enter(gone), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(gate.in_flight(), 1);
  gate.Leave();
  EXPECT_OK(gate.Enter({}));
}

}  // namespace
}  // namespace charon::store
