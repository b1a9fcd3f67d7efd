// Gate: admits at most N holders at a time; others wait. Used for the Series calls admitted
// (--store.grpc.series-max-concurrency) and for the bucket requests in flight, per request and
// per process. N <= 0 admits everything. Thread-safe.
#ifndef CHARON_STORE_GATE_H_
#define CHARON_STORE_GATE_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "store/store_api.h"

namespace charon::store {

class Gate {
 public:
  explicit Gate(int max_concurrent) : max_(max_concurrent) {}

  // Waits for a slot. Gives up with the call's status (Cancelled, DeadlineExceeded) when the
  // client goes away or its deadline passes while waiting; cancellation is noticed within
  // kCancelPoll.
  [[nodiscard]] absl::Status Enter(const CallContext& call);
  void Leave();

  int in_flight() const;
  int max() const { return max_; }

  static constexpr absl::Duration kCancelPoll = absl::Milliseconds(10);

 private:
  const int max_;
  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

// Holds one slot of a gate for its lifetime.
class GateSlot {
 public:
  GateSlot() = default;
  explicit GateSlot(Gate* gate) : gate_(gate) {}
  GateSlot(GateSlot&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
  GateSlot& operator=(GateSlot&& o) noexcept {
    std::swap(gate_, o.gate_);
    return *this;
  }
  ~GateSlot() {
    if (gate_) gate_->Leave();
  }

 private:
  Gate* gate_ = nullptr;
};

}  // namespace charon::store

#endif  // CHARON_STORE_GATE_H_
