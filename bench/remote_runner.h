// The benchmark's remote-bucket mode: `charon store` on an S3 bucket (s3rver) behind a proxy that
// delays every request by a fixed amount, as a remote object store's round trip does, at several
// block counts (copies of the dataset's blocks, see remote_buckets.h). Each row runs at the delay
// and at 0 ms for reference, cold (a fresh process with an empty data dir, first call) and warm
// (the same process, after one warm-up call); the proxy counts the bucket requests of each call
// and of each start-up. The delay's cost is reported as added round trips:
// (latency - latency at 0 ms) / delay.
//
// Only Charon runs here (Prometheus cannot read a bucket); a row is wrong when Charon's answer
// size differs between block counts or delays (the copies hold the same series).
//
// With index caches named (--index-caches none,inmemory,memcached,redis), every row runs once per
// index cache, side by side in the same run: none = --index-cache-size=0, inmemory = the default,
// memcached / redis = --index-cache.config on a real server started by the runner (emptied before
// every start, so a cold call is cold). The warm hit ratio is the index cache's hits / requests
// (thanos_store_index_cache_*) over the timed warm calls.
#ifndef CHARON_BENCH_REMOTE_RUNNER_H_
#define CHARON_BENCH_REMOTE_RUNNER_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/dataset_builder.h"
#include "bench/query_set.h"

namespace charon::bench {

struct RemoteOptions {
  std::string size = "small";
  std::string cache_root;  // dataset cache
  std::string work_dir;    // scratch: data dirs, logs; emptied first
  std::string charon_binary;
  std::vector<int> block_counts = {8, 64, 256};
  double delay_ms = 20;
  int warm_calls = 3;  // timed calls per warm row, after the warm-up call
  bool cold = true;
  double call_timeout_seconds = 600;
  std::string only_rows;  // comma-separated row names; empty = all
  // none, inmemory, memcached, redis; empty = the store's default flags only.
  std::vector<std::string> index_caches;
};

// One row at one block count and one delay.
struct RemoteCell {
  int64_t items = -1;
  double cold_seconds = -1;
  int64_t cold_requests = -1;
  double warm_p50_seconds = -1;
  double warm_requests_per_call = -1;
  double warm_hit_ratio = -1;  // index cache hits / requests over the timed warm calls
  // The store's CPU (process_cpu_seconds_total, 10 ms ticks) per timed warm call, in ms.
  double warm_cpu_ms_per_call = -1;
  std::string error;  // the first failed call's status
};

struct RemoteRow {
  BenchQuery query;
  std::string index_cache;  // one of RemoteOptions::index_caches, "" when none are named
  // [block count index][0 = no delay, 1 = the delay]
  std::vector<std::array<RemoteCell, 2>> cells;
  bool wrong = false;
  std::string note;
};

// Start-ups at one block count: ready from an empty data dir, at no delay and at the delay.
struct RemoteStartup {
  std::array<std::vector<double>, 2> ready_seconds;
  std::array<std::vector<int64_t>, 2> requests;
};

struct RemoteReport {
  RemoteOptions options;
  Dataset dataset;
  int base_blocks = 0;
  int64_t uploaded_bytes = 0;
  double upload_seconds = 0;
  std::vector<RemoteRow> rows;
  std::vector<RemoteStartup> startup;  // one per block count
  double total_seconds = 0;
};

absl::StatusOr<RemoteReport> RunRemoteBenchmark(const RemoteOptions& options);

// The markdown section of bench/RESULTS.md for a report. Pure.
std::string RenderRemoteMarkdown(const RemoteReport& report);

}  // namespace charon::bench

#endif  // CHARON_BENCH_REMOTE_RUNNER_H_
