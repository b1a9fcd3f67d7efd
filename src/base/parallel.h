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
#include <functional>

#include "absl/status/status.h"

namespace charon::base {

absl::Status ParallelFor(size_t n, int concurrency,
                         const std::function<absl::Status(size_t i)>& fn);

// Threads in the shared pool (fixed at first use).
size_t WorkerPoolSize();

}  // namespace charon::base

#endif  // CHARON_BASE_PARALLEL_H_
