// MemoryBudget: the bytes of fetched index and chunk data that all in-flight requests of a store
// may hold (--chunk-pool-size). Every bucket read of a query reserves its length before it starts
// and keeps the reservation (a BudgetLease) for as long as the bytes are held: postings and series
// buffers until decoded, chunk buffers until the series pointing into them are sent.
//
// A request that holds nothing waits until half the budget is free (admission), for as long as
// its client waits (its deadline or cancellation) and at most `max_wait` (unbounded by default:
// a busy store makes queries wait, it does not fail them), then ResourceExhausted. A request that
// holds bytes already never waits, since requests waiting on each other's bytes would deadlock;
// fetching ahead stops at half the budget (see QueryContext::HasRoomFor), so the budget is passed
// only by running requests' current batches. A request whose own holdings plus the read exceed the
// whole budget gets ResourceExhausted naming --chunk-pool-size at once. Capacity 0 = unbounded.
// Thread-safe.
#ifndef CHARON_STORE_MEMORY_BUDGET_H_
#define CHARON_STORE_MEMORY_BUDGET_H_

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/store_api.h"

namespace charon::store {

class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t capacity, absl::Duration max_wait = absl::InfiniteDuration())
      : capacity_(capacity), max_wait_(max_wait) {}

  // Reserves `n` bytes for a request that holds `held` already. Errors: ResourceExhausted naming
  // the limit; Cancelled/DeadlineExceeded from `call` while waiting.
  [[nodiscard]] absl::Status Reserve(uint64_t n, uint64_t held, const CallContext& call);
  void Release(uint64_t n);

  uint64_t capacity() const { return capacity_; }
  uint64_t used() const;
  // The most bytes held at once since start.
  uint64_t peak() const;

 private:
  const uint64_t capacity_;
  const absl::Duration max_wait_;
  mutable absl::Mutex mu_;
  uint64_t used_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t peak_ ABSL_GUARDED_BY(mu_) = 0;
};

// One reservation, released on destruction; also kept in the request's running total.
class BudgetLease {
 public:
  BudgetLease() = default;
  BudgetLease(MemoryBudget* budget, std::atomic<uint64_t>* held, uint64_t n)
      : budget_(budget), held_(held), n_(n) {}
  BudgetLease(BudgetLease&& o) noexcept { *this = std::move(o); }
  BudgetLease& operator=(BudgetLease&& o) noexcept {
    std::swap(budget_, o.budget_);
    std::swap(held_, o.held_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~BudgetLease() {
    if (budget_) budget_->Release(n_);
    if (held_) held_->fetch_sub(n_);
  }

 private:
  MemoryBudget* budget_ = nullptr;
  std::atomic<uint64_t>* held_ = nullptr;
  uint64_t n_ = 0;
};

}  // namespace charon::store

#endif  // CHARON_STORE_MEMORY_BUDGET_H_
