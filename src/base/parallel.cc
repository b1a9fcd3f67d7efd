#include "base/parallel.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace charon::base {

WorkerPool::WorkerPool(size_t max_threads) : max_threads_(std::max<size_t>(1, max_threads)) {}

void WorkerPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
  if (idle_ >= tasks_.size() || threads_ >= max_threads_) return;
  ++threads_;
  std::thread([this] { Run(); }).detach();
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      ++idle_;
      mu_.Await(absl::Condition(
          +[](std::deque<std::function<void()>>* q) { return !q->empty(); }, &tasks_));
      --idle_;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

namespace {

WorkerPool& Pool() {
  // Never destroyed: detached threads may still be parked on it at exit.
  static WorkerPool* pool =
      new WorkerPool(std::max<size_t>(16, 4 * std::max(1u, std::thread::hardware_concurrency())));
  return *pool;
}

// One ParallelFor call, shared with the helpers (which may start after the call returned: they
// then find every index claimed and leave without touching `fn`).
struct Call {
  size_t n = 0;
  const std::function<absl::Status(size_t)>* fn = nullptr;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  size_t completed ABSL_GUARDED_BY(mu) = 0;
  absl::Status first ABSL_GUARDED_BY(mu);

  // Claims and runs indices until none is left. Every claimed index counts as completed, run or
  // skipped, so the caller can wait for completed == n.
  void Work() {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      absl::Status s;
      if (!failed.load(std::memory_order_relaxed)) s = (*fn)(i);
      absl::MutexLock lock(&mu);
      if (!s.ok()) {
        if (first.ok()) first = std::move(s);
        failed = true;
      }
      ++completed;
    }
  }
};

}  // namespace

size_t WorkerPoolSize() { return Pool().max_threads(); }

absl::Status ParallelFor(size_t n, int concurrency,
                         const std::function<absl::Status(size_t i)>& fn) {
  return ParallelFor(Pool(), n, concurrency, fn);
}

absl::Status ParallelFor(WorkerPool& pool, size_t n, int concurrency,
                         const std::function<absl::Status(size_t i)>& fn) {
  if (n == 0) return absl::OkStatus();
  const size_t helpers = std::min<size_t>(n, static_cast<size_t>(std::max(1, concurrency))) - 1;
  if (helpers == 0) {
    for (size_t i = 0; i < n; ++i) {
      absl::Status s = fn(i);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }
  auto call = std::make_shared<Call>();
  call->n = n;
  call->fn = &fn;
  for (size_t h = 0; h < helpers; ++h) {
    pool.Submit([call] { call->Work(); });
  }
  call->Work();
  absl::MutexLock lock(&call->mu);
  call->mu.Await(absl::Condition(
      +[](Call* c) ABSL_NO_THREAD_SAFETY_ANALYSIS { return c->completed == c->n; }, call.get()));
  return call->first;
}

}  // namespace charon::base
