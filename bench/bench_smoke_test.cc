// Runs the whole benchmark on the tiny dataset with few calls and checks that every row got the
// same count from Charon and Prometheus; and the remote-bucket mode on copies of the tiny blocks
// in s3rver behind the delaying proxy. The figures themselves are not checked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "bench/remote_runner.h"
#include "testing/temp_dir.h"

namespace charon::bench {
namespace {

TEST(BenchSmoke, TinyDatasetRowsAgree) {
  const char* binary = std::getenv("CHARON_BINARY");
  // CMake always names the binary it built: a missing one is a broken build, never a skip.
  ASSERT_TRUE(binary != nullptr && *binary != '\0' && access(binary, X_OK) == 0)
      << "CHARON_BINARY does not name the charon executable";
  const char* build = std::getenv("CHARON_BINARY_DIR");
  absl::StatusOr<testing::TempDir> work = testing::TempDir::Create("bench-smoke");
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

TEST(BenchSmoke, RemoteModeOnTinyBlocksAgrees) {
  const char* binary = std::getenv("CHARON_BINARY");
  if (binary == nullptr || *binary == '\0') GTEST_SKIP() << "CHARON_BINARY not set";
  const char* build = std::getenv("CHARON_BINARY_DIR");
  absl::StatusOr<testing::TempDir> work = testing::TempDir::Create("bench-smoke-remote");
  ASSERT_TRUE(work.ok()) << work.status();
  RemoteOptions o;
  o.size = "tiny";
  o.cache_root = DatasetCacheRoot(build != nullptr ? std::string(build) + "/bench-cache"
                                                   : work->Path("cache"));
  o.work_dir = work->Path("run");
  o.charon_binary = binary;
  o.block_counts = {2, 4};
  o.delay_ms = 5;
  o.warm_calls = 2;
  o.only_rows = "selective,medium,series only,label names,label values+matcher";
  o.call_timeout_seconds = 20;
  absl::StatusOr<RemoteReport> report = RunRemoteBenchmark(o);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string table = RenderRemoteMarkdown(*report);
  EXPECT_EQ(table.find("WRONG"), std::string::npos) << table;
  ASSERT_EQ(report->rows.size(), 5u);
  for (const RemoteRow& row : report->rows) {
    SCOPED_TRACE(row.query.name);
    EXPECT_FALSE(row.wrong) << row.note;
    ASSERT_EQ(row.cells.size(), 2u);
    for (const auto& pair : row.cells) {
      for (const RemoteCell& cell : pair) {
        EXPECT_GT(cell.items, 0);
        EXPECT_GE(cell.cold_requests, 0);
        EXPECT_GE(cell.warm_requests_per_call, 0);
      }
    }
    if (row.query.is_series()) {
      // Every block of the bucket is read: twice the blocks, more requests.
      EXPECT_GT(row.cells[1][1].warm_requests_per_call, row.cells[0][1].warm_requests_per_call);
      EXPECT_GT(row.cells[1][1].cold_requests, row.cells[0][1].cold_requests);
    }
  }
  ASSERT_EQ(report->startup.size(), 2u);
  for (const RemoteStartup& s : report->startup) {
    ASSERT_FALSE(s.requests[1].empty());
    EXPECT_GT(s.requests[1].front(), 0);  // lists the bucket and reads every meta.json
  }
}

// --index-caches: every row once per index cache, in one run. Warm, the stores with an index
// cache read fewer objects than the one without and count hits; all answer the same.
TEST(BenchSmoke, RemoteModeComparesIndexCaches) {
  const char* binary = std::getenv("CHARON_BINARY");
  ASSERT_TRUE(binary != nullptr && *binary != '\0') << "CHARON_BINARY not set";
  const char* build = std::getenv("CHARON_BINARY_DIR");
  absl::StatusOr<testing::TempDir> work = testing::TempDir::Create("bench-smoke-index-caches");
  ASSERT_TRUE(work.ok()) << work.status();
  RemoteOptions o;
  o.size = "tiny";
  o.cache_root = DatasetCacheRoot(build != nullptr ? std::string(build) + "/bench-cache"
                                                   : work->Path("cache"));
  o.work_dir = work->Path("run");
  o.charon_binary = binary;
  o.block_counts = {2};
  o.delay_ms = 5;
  o.warm_calls = 2;
  o.cold = false;
  o.only_rows = "selective,series only";
  o.index_caches = {"none", "memcached", "redis"};
  o.call_timeout_seconds = 20;
  absl::StatusOr<RemoteReport> report = RunRemoteBenchmark(o);
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string table = RenderRemoteMarkdown(*report);
  EXPECT_EQ(table.find("WRONG"), std::string::npos) << table;
  EXPECT_NE(table.find("Index caches against none"), std::string::npos) << table;
  ASSERT_EQ(report->rows.size(), 6u);
  for (size_t i = 0; i < report->rows.size(); i += 3) {
    const RemoteCell& none = report->rows[i].cells[0][1];
    SCOPED_TRACE(report->rows[i].query.name);
    EXPECT_EQ(report->rows[i].index_cache, "none");
    EXPECT_EQ(none.warm_hit_ratio, 0);
    EXPECT_GE(none.warm_cpu_ms_per_call, 0) << "process_cpu_seconds_total not scraped";
    for (size_t j = i + 1; j < i + 3; ++j) {
      SCOPED_TRACE(report->rows[j].index_cache);
      const RemoteCell& cached = report->rows[j].cells[0][1];
      EXPECT_EQ(cached.items, none.items);
      EXPECT_LT(cached.warm_requests_per_call, none.warm_requests_per_call);
      EXPECT_GT(cached.warm_hit_ratio, 0);
    }
  }
}

}  // namespace
}  // namespace charon::bench
