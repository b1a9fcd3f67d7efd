// AsyncQueue: a bounded queue of jobs run by a fixed number of worker threads, for asynchronous
// cache writes (Thanos' max_async_buffer_size and max_async_concurrency). A job offered while the
// queue is full is refused, never waited for.
//
// Thread-safety: thread-safe. The destructor stops the workers: the job each one is running
// finishes, jobs still queued are dropped.
#ifndef CHARON_CACHE_ASYNC_QUEUE_H_
#define CHARON_CACHE_ASYNC_QUEUE_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace charon::cache {

class AsyncQueue {
 public:
  // `capacity` queued jobs (not counting running ones), `workers` >= 1 threads.
  AsyncQueue(int capacity, int workers);
  ~AsyncQueue();
  AsyncQueue(const AsyncQueue&) = delete;
  AsyncQueue& operator=(const AsyncQueue&) = delete;

  // False (and `job` is dropped) when the queue is full or stopped.
  bool TryEnqueue(std::function<void()> job);

  // Waits until no job is queued or running, or `timeout` passed; true when idle.
  bool WaitIdle(absl::Duration timeout);

 private:
  void Work();

  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_ASYNC_QUEUE_H_
