// Gate: admits at most N concurrent Series calls (--store.grpc.series-max-concurrency); others wait.
// N = 0 admits everything. Thread-safe.
#ifndef CHARON_STORE_GATE_H_
#define CHARON_STORE_GATE_H_

#include <functional>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace charon::store {

class Gate {
 public:
  explicit Gate(int max_concurrent) : max_(max_concurrent) {}

  // Waits for a slot until `deadline`; false if the deadline passed or `cancelled()` turned true
  // (polled while waiting).
  [[nodiscard]] bool Enter(absl::Time deadline, const std::function<bool()>& cancelled);
  void Leave();

  int in_flight() const;
  int max() const { return max_; }

 private:
  const int max_;
  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::store

#endif  // CHARON_STORE_GATE_H_
