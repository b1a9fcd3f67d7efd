// ParallelFor: runs fn(i) for i in [0, n) on up to `concurrency` threads (the calling thread is one
// of them) and returns the first non-OK status by index order of failure discovery; remaining work
// is skipped once a call failed. concurrency <= 1 runs inline.
#ifndef CHARON_BASE_PARALLEL_H_
#define CHARON_BASE_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace charon::base {

inline absl::Status ParallelFor(size_t n, int concurrency,
                                const std::function<absl::Status(size_t i)>& fn) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first;
  auto worker = [&] {
    for (size_t i; !failed.load(std::memory_order_relaxed) && (i = next.fetch_add(1)) < n;) {
      absl::Status s = fn(i);
      if (!s.ok()) {
        absl::MutexLock lock(&mu);
        if (first.ok()) first = std::move(s);
        failed = true;
      }
    }
  };
  size_t threads = std::min<size_t>(n, static_cast<size_t>(std::max(1, concurrency)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return first;
}

}  // namespace charon::base

#endif  // CHARON_BASE_PARALLEL_H_
