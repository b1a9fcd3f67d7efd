#include "store/gate.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace charon::store {

absl::Status Gate::Enter(const CallContext& call) {
  absl::MutexLock lock(&mu_);
  if (max_ <= 0) {
    ++in_flight_;
    return absl::OkStatus();
  }
  auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ < max_; };
  while (!free()) {
    // Wake up periodically to notice a client that went away (it cannot signal the mutex).
    absl::Time wake = std::min(call.deadline, absl::Now() + kCancelPoll);
    if (mu_.AwaitWithDeadline(absl::Condition(&free), wake)) break;
    absl::Status s = call.Check();
    if (!s.ok()) return s;
  }
  ++in_flight_;
  return absl::OkStatus();
}

void Gate::Leave() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

int Gate::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

}  // namespace charon::store
