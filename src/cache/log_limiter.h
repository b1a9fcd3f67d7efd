// LogLimiter: lets through at most one log record per interval, so that a cache backend that is
// down (every call failing) does not flood the log. Suppressed records are counted and reported
// with the next one let through. Thread-safe.
#ifndef CHARON_CACHE_LOG_LIMITER_H_
#define CHARON_CACHE_LOG_LIMITER_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace charon::cache {

class LogLimiter {
 public:
  explicit LogLimiter(absl::Duration interval = absl::Seconds(10)) : interval_(interval) {}

  // True when the caller should log now; `*suppressed` is then the number of records dropped
  // since the last one allowed.
  bool Allow(int64_t* suppressed) {
    absl::MutexLock lock(&mu_);
    absl::Time now = absl::Now();
    if (now - last_ < interval_) {
      ++suppressed_;
      return false;
    }
    last_ = now;
    *suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }

 private:
  const absl::Duration interval_;
  absl::Mutex mu_;
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_LOG_LIMITER_H_
