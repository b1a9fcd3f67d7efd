#include "bench/load_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

namespace charon::bench {

double LoadResult::Percentile(double p) const {
  if (latencies.empty()) return 0;
  // Nearest rank.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(latencies.size())));
  rank = std::clamp<size_t>(rank, 1, latencies.size());
  return latencies[rank - 1];
}

LoadResult RunLoad(const LoadOptions& options,
                   const std::function<absl::StatusOr<CallCounts>(int client)>& call) {
  using Clock = std::chrono::steady_clock;
  LoadResult result;
  std::mutex mu;
  const Clock::time_point start = Clock::now();
  const Clock::time_point until = start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(options.seconds));
  auto client_loop = [&](int client) {
    std::vector<double> latencies;
    CallCounts total;
    absl::Status error;
    int64_t items = -1;
    bool consistent = true;
    for (int i = 0; i < options.max_calls; ++i) {
      if (i >= options.min_calls && Clock::now() >= until) break;
      const Clock::time_point t0 = Clock::now();
      absl::StatusOr<CallCounts> c = call(client);
      const double latency = std::chrono::duration<double>(Clock::now() - t0).count();
      if (!c.ok()) {
        error = c.status();
        break;
      }
      latencies.push_back(latency);
      total += *c;
      if (items < 0) items = c->items;
      if (c->items != items) consistent = false;
    }
    std::lock_guard<std::mutex> lock(mu);
    result.latencies.insert(result.latencies.end(), latencies.begin(), latencies.end());
    result.total += total;
    result.calls += static_cast<int64_t>(latencies.size());
    if (result.items_per_call < 0) result.items_per_call = items;
    if (items >= 0 && items != result.items_per_call) consistent = false;
    if (!consistent) result.items_consistent = false;
    if (result.error.ok() && !error.ok()) result.error = error;
  };
  std::vector<std::thread> threads;
  for (int c = 1; c < options.clients; ++c) threads.emplace_back(client_loop, c);
  client_loop(0);
  for (std::thread& t : threads) t.join();
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(result.latencies.begin(), result.latencies.end());
  return result;
}

}  // namespace charon::bench
