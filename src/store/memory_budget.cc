#include "store/memory_budget.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "store/gate.h"

namespace charon::store {

absl::Status MemoryBudget::Reserve(uint64_t n, uint64_t held, const CallContext& call) {
  if (capacity_ == 0) return absl::OkStatus();
  if (n + held > capacity_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "exceeded chunk pool size: the request needs ", n + held,
        " bytes of index and chunk data at once, more than --chunk-pool-size=", capacity_));
  }
  absl::MutexLock lock(&mu_);
  if (held > 0) {
    // A running request never waits: requests holding bytes while waiting for each other would
    // deadlock. It may take the budget past its capacity by its own working set.
    used_ += n;
    peak_ = std::max(peak_, used_);
    return absl::OkStatus();
  }
  // A request holding nothing is admitted when half the budget is free (or nothing is held), so
  // the running ones keep room to finish.
  auto fits = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return used_ == 0 || used_ + n <= capacity_ / 2;
  };
  const absl::Time give_up = std::min(call.deadline, absl::Now() + max_wait_);
  while (!fits()) {
    // Wake up periodically to notice a client that went away.
    absl::Time wake = std::min(give_up, absl::Now() + Gate::kCancelPoll);
    if (mu_.AwaitWithDeadline(absl::Condition(&fits), wake)) break;
    absl::Status s = call.Check();
    if (!s.ok()) return s;
    if (absl::Now() >= give_up) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "exceeded chunk pool size: waited ", absl::FormatDuration(max_wait_), " for ", n,
          " bytes while other requests hold ", used_, " of --chunk-pool-size=", capacity_));
    }
  }
  used_ += n;
  peak_ = std::max(peak_, used_);
  return absl::OkStatus();
}

void MemoryBudget::Release(uint64_t n) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  used_ -= std::min(used_, n);
}

uint64_t MemoryBudget::used() const {
  absl::MutexLock lock(&mu_);
  return used_;
}

uint64_t MemoryBudget::peak() const {
  absl::MutexLock lock(&mu_);
  return peak_;
}

}  // namespace charon::store
