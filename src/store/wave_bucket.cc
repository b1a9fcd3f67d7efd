#include "store/wave_bucket.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace charon::store {

void WaveBucket::set_enabled(bool enabled) {
  absl::MutexLock lock(&mu_);
  enabled_ = enabled;
}

void WaveBucket::Reset() {
  absl::MutexLock lock(&mu_);
  waves_ = 0;
  max_wave_size_ = 0;
  requests_ = 0;
}

void WaveBucket::set_on_wave(std::function<void(int, int64_t)> fn) {
  absl::MutexLock lock(&mu_);
  on_wave_ = std::move(fn);
}

int WaveBucket::waves() const {
  absl::MutexLock lock(&mu_);
  return waves_;
}

int WaveBucket::max_wave_size() const {
  absl::MutexLock lock(&mu_);
  return max_wave_size_;
}

int64_t WaveBucket::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

void WaveBucket::JoinWave() {
  absl::MutexLock lock(&mu_);
  if (!enabled_) return;
  ++requests_;
  ++wave_size_;
  last_arrival_ = absl::Now();
  const int64_t generation = generation_;
  if (leader_) {
    // The wave's first request releases it.
    struct Waiting {
      const int64_t* current;
      int64_t mine;
    } waiting{&generation_, generation};
    mu_.Await(absl::Condition(
        +[](Waiting* w) { return *w->current != w->mine; }, &waiting));
    return;
  }
  leader_ = true;
  static const bool kNever = false;
  for (;;) {
    absl::Time until = last_arrival_ + quiet_;
    if (absl::Now() >= until) break;
    mu_.AwaitWithDeadline(absl::Condition(&kNever), until);
  }
  ++waves_;
  max_wave_size_ = std::max(max_wave_size_, wave_size_);
  wave_size_ = 0;
  leader_ = false;
  if (on_wave_) on_wave_(waves_, requests_);
  ++generation_;
}

absl::StatusOr<std::string> WaveBucket::Get(std::string_view name) {
  JoinWave();
  return inner_->Get(name);
}

absl::StatusOr<std::string> WaveBucket::GetRange(std::string_view name, int64_t offset,
                                                 int64_t length) {
  JoinWave();
  return inner_->GetRange(name, offset, length);
}

}  // namespace charon::store
