#include "store/gate.h"

#include <algorithm>

namespace charon::store {

bool Gate::Enter(absl::Time deadline, const std::function<bool()>& cancelled) {
  absl::MutexLock lock(&mu_);
  if (max_ <= 0) {
    ++in_flight_;
    return true;
  }
  auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ < max_; };
  while (!free()) {
    // Wake up periodically to notice cancelled calls.
    absl::Time wake = std::min(deadline, absl::Now() + absl::Milliseconds(100));
    mu_.AwaitWithDeadline(absl::Condition(&free), wake);
    if (free()) break;
    if (absl::Now() >= deadline || (cancelled && cancelled())) return false;
  }
  ++in_flight_;
  return true;
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
