// LatencyTracker: the latencies of a client's recent successful requests and their quantiles, which
// decide when a request is hedged. Keeps the last `window` samples (older ones fall out, so the
// estimate follows the store's current speed); no quantile is given before `min_samples`, so the
// first requests of a process are never hedged on a guess.
//
// Thread-safe.
#ifndef CHARON_OBJSTORE_HTTP_LATENCY_TRACKER_H_
#define CHARON_OBJSTORE_HTTP_LATENCY_TRACKER_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace charon::objstore::http {

class LatencyTracker {
 public:
  explicit LatencyTracker(size_t window = 1000, size_t min_samples = 16);

  void Add(absl::Duration latency);
  // The `q`-quantile (0 < q <= 1; nearest rank) of the samples kept; nullopt before min_samples.
  std::optional<absl::Duration> Quantile(double q) const;

 private:
  const size_t window_;
  const size_t min_samples_;
  mutable absl::Mutex mu_;
  std::vector<absl::Duration> samples_ ABSL_GUARDED_BY(mu_);  // a ring once full
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_LATENCY_TRACKER_H_
