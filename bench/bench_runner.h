// The end-to-end benchmark: makes or reuses the dataset, starts Charon and Prometheus on the same
// blocks, runs the query set cold and warm with 1 and N clients, checks that both systems return
// the same number of series (or label values) per row, and gathers the server figures. The
// markdown rendering is in bench_report.h.
//
// Series rows are also measured with batched responses, as current Thanos queriers ask for them;
// the Prometheus figures they are compared with are the same runs.
//
// Cold: for each row a fresh process of each system (Charon also with an empty data dir, so the
// index-headers are built first) answers the row's query once. Warm: one process of each system
// answers every row after one warm-up call; rows run one after another.
#ifndef CHARON_BENCH_BENCH_RUNNER_H_
#define CHARON_BENCH_BENCH_RUNNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/dataset_builder.h"
#include "bench/load_runner.h"
#include "bench/query_set.h"

namespace charon::bench {

struct BenchOptions {
  std::string size = "default";
  std::string cache_root;  // dataset cache
  std::string work_dir;    // scratch: data dirs, the Prometheus copy, logs; emptied first
  std::string charon_binary;
  std::string prometheus_binary = "prometheus";
  std::vector<int> concurrency = {1, 8};
  int min_calls = 3;     // per client and row
  double seconds = 3.0;  // per client and row, after min_calls
  bool cold = true;
  int charon_batch_size = 0;  // SeriesRequest.response_batch_size
  // Series rows are measured again with this response_batch_size (Thanos queriers since v0.41
  // ask for 64 series per frame); 0 = not measured.
  int charon_batched_size = 64;
  double call_timeout_seconds = 600;  // a call taking longer fails the row
  std::string only_rows;              // comma-separated row names; empty = all
};

// One system's answers to one row at one concurrency.
struct SystemRun {
  LoadResult load;
  double server_cpu_seconds = 0;  // the server's CPU time during the run
  double client_cpu_seconds = 0;  // this process' CPU time during the run
};

struct RowResult {
  BenchQuery query;
  int64_t charon_items = -1;  // from the warm-up call
  int64_t prom_items = -1;
  bool wrong = false;  // counts differ, or a system answered inconsistently or failed
  std::string note;    // why it is wrong
  double charon_cold_seconds = -1;
  double prom_cold_seconds = -1;
  std::vector<SystemRun> charon;  // one per concurrency level
  std::vector<SystemRun> prom;
  // Series rows only: Charon again with options.charon_batched_size, one per concurrency level.
  std::vector<SystemRun> charon_batched;
  // The client's own cost: decoding a captured answer from memory, per call.
  double charon_decode_seconds = 0;
  double prom_decode_seconds = 0;
  int64_t charon_wire_bytes = 0;  // serialized size of the captured answer
  int64_t prom_wire_bytes = 0;
  // Memory of the warm processes right after the row (VmRSS, VmHWM so far).
  int64_t charon_rss_bytes = 0, charon_hwm_bytes = 0;
  int64_t prom_rss_bytes = 0, prom_hwm_bytes = 0;
};

struct ServerFigures {
  std::vector<double> ready_empty_seconds;  // every start from an empty data dir
  double ready_restart_seconds = -1;        // a restart that finds its data dir filled
  int64_t peak_rss_bytes = 0;               // VmHWM of the warm process
  int64_t rss_anon_bytes = 0;               // RssAnon of the warm process at the end
};

struct BenchReport {
  BenchOptions options;
  Dataset dataset;
  std::vector<RowResult> rows;
  ServerFigures charon, prom;
  int blocks = 0;
  int64_t index_bytes = 0;         // sum of the blocks' index files
  int64_t index_header_bytes = 0;  // sum of Charon's index-header files
  int64_t chunk_file_bytes = 0;
  double total_seconds = 0;
};

absl::StatusOr<BenchReport> RunBenchmark(const BenchOptions& options);

}  // namespace charon::bench

#endif  // CHARON_BENCH_BENCH_RUNNER_H_
