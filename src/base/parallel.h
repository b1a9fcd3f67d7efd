// ParallelFor: runs fn(i) for i in [0, n) on up to `concurrency` threads and returns the first
// non-OK status (by discovery); once a call failed, the indices not yet started are skipped.
//
// The calling thread always works through the indices itself; up to concurrency - 1 helpers from
// a process-wide pool (WorkerPool) join it when they are free, so a call never waits for a pool
// thread and nested ParallelFor calls (a query over blocks, each reading ranges in parallel) cannot
// deadlock however busy the pool is. No thread is created per call. Returns after every fn call
// has finished; fn must be safe to call concurrently. concurrency <= 1 runs inline.
#ifndef CHARON_BASE_PARALLEL_H_
#define CHARON_BASE_PARALLEL_H_

#include <cstddef>
#include <deque>
#include <functional>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace charon::base {

absl::Status ParallelFor(size_t n, int concurrency,
                         const std::function<absl::Status(size_t i)>& fn);

// A set of threads running queued tasks. Threads are started as tasks find none idle, up to
// `max_threads`, and then live as long as the process: a pool is never destroyed (create it with
// `new` and keep it). Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; a free thread (or a new one, below the maximum) runs it.
  void Submit(std::function<void()> task);
  size_t max_threads() const { return max_threads_; }

 private:
  void Run();

  const size_t max_threads_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  size_t threads_ ABSL_GUARDED_BY(mu_) = 0;
  size_t idle_ ABSL_GUARDED_BY(mu_) = 0;
};

// ParallelFor whose helpers come from `pool` instead of the shared one: for work that mostly
// waits (bucket requests), where more threads than the shared pool's are worth having.
absl::Status ParallelFor(WorkerPool& pool, size_t n, int concurrency,
                         const std::function<absl::Status(size_t i)>& fn);

// Threads in the shared pool (fixed at first use).
size_t WorkerPoolSize();

}  // namespace charon::base

#endif  // CHARON_BASE_PARALLEL_H_
