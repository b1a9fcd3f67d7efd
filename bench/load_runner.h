// Runs one query repeatedly from N client threads and records every call's latency.
//
// Each client loops until it has made `min_calls` calls and `duration` has passed (or it made
// `max_calls`). All clients start together; wall time runs from the start to the last return, so
// throughput = total / wall. The first error stops that client and is reported.
#ifndef CHARON_BENCH_LOAD_RUNNER_H_
#define CHARON_BENCH_LOAD_RUNNER_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/call_counts.h"

namespace charon::bench {

struct LoadOptions {
  int clients = 1;
  int min_calls = 3;     // per client
  int max_calls = 1000;  // per client
  double seconds = 3.0;  // per client, after min_calls
};

struct LoadResult {
  std::vector<double> latencies;  // seconds, all clients, sorted
  double wall_seconds = 0;
  CallCounts total;
  int64_t calls = 0;
  int64_t items_per_call = -1;   // of the first call; -1 if none succeeded
  bool items_consistent = true;  // every call returned the same number of items
  absl::Status error;

  double Percentile(double p) const;  // p in [0, 100]; 0 if there are no latencies
};

// `call(client)` performs one call for client `client` (0-based); it is only ever called from
// that client's thread.
LoadResult RunLoad(const LoadOptions& options,
                   const std::function<absl::StatusOr<CallCounts>(int client)>& call);

}  // namespace charon::bench

#endif  // CHARON_BENCH_LOAD_RUNNER_H_
