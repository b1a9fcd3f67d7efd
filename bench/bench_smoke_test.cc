// Runs the whole benchmark on the tiny dataset with few calls and checks that every row got the
// same count from Charon and Prometheus. The figures themselves are not checked.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "testing/temp_dir.h"

namespace charon::bench {
namespace {

TEST(BenchSmoke, TinyDatasetRowsAgree) {
  const char* binary = std::getenv("CHARON_BINARY");
  if (binary == nullptr || *binary == '\0') GTEST_SKIP() << "CHARON_BINARY not set";
  const char* build = std::getenv("CHARON_BINARY_DIR");
  absl::StatusOr<testing::TempDir> work = testing::TempDir::Make("bench-smoke");
  ASSERT_TRUE(work.ok()) << work.status();
  BenchOptions o;
  o.size = "tiny";
  o.cache_root = DatasetCacheRoot(build != nullptr ? std::string(build) + "/bench-cache"
                                                   : work->Path("cache"));
  o.work_dir = work->Path("run");
  o.charon_binary = binary;
  o.concurrency = {1, 4};
  o.min_calls = 2;
  o.seconds = 0.05;
  o.call_timeout_seconds = 8;  // a hung call fails its row quickly, not the ctest timeout
  absl::StatusOr<BenchReport> report = RunBenchmark(o);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string table = RenderMarkdown(*report);
  EXPECT_EQ(table.find("WRONG"), std::string::npos) << table;
  ASSERT_FALSE(report->rows.empty());
  for (const RowResult& row : report->rows) {
    SCOPED_TRACE(row.query.name);
    EXPECT_FALSE(row.wrong) << row.note;
    EXPECT_EQ(row.charon_items, row.prom_items);
    EXPECT_GT(row.charon_items, 0);
    // Series rows are measured a second time with batched frames, at every concurrency level.
    const bool series = row.query.is_series() || row.query.kind == QueryKind::kSeriesSkipChunks;
    EXPECT_EQ(row.charon_batched.size(), series ? o.concurrency.size() : 0u);
  }
  EXPECT_NE(table.find("response_batch_size 64"), std::string::npos);
  EXPECT_GT(report->index_header_bytes, 0);
  EXPECT_GT(report->charon.peak_rss_bytes, 0);
}

}  // namespace
}  // namespace charon::bench
