#include "objstore/http/latency_tracker.h"

#include <algorithm>
#include <cmath>

namespace charon::objstore::http {

LatencyTracker::LatencyTracker(size_t window, size_t min_samples)
    : window_(std::max<size_t>(1, window)), min_samples_(std::max<size_t>(1, min_samples)) {}

void LatencyTracker::Add(absl::Duration latency) {
  absl::MutexLock lock(&mu_);
  if (samples_.size() < window_) {
    samples_.push_back(latency);
  } else {
    samples_[next_] = latency;
    next_ = (next_ + 1) % window_;
  }
}

std::optional<absl::Duration> LatencyTracker::Quantile(double q) const {
  std::vector<absl::Duration> copy;
  {
    absl::MutexLock lock(&mu_);
    if (samples_.size() < min_samples_) return std::nullopt;
    copy = samples_;
  }
  q = std::clamp(q, 0.0, 1.0);
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(copy.size())));
  const size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(index), copy.end());
  return copy[index];
}

}  // namespace charon::objstore::http
