// Per-request limits (series touched, chunks, bytes): a shared counter checked on every
// reservation. Thread-safe. The error text and code are Thanos': ResourceExhausted "exceeded <what>
// limit: limit N violated (got M)".
#ifndef CHARON_STORE_LIMITER_H_
#define CHARON_STORE_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace charon::store {

class Limiter {
 public:
  // limit 0 = unlimited. `on_first_violation` runs once, on the first failed Reserve (metrics).
  Limiter(std::string what, uint64_t limit, std::function<void()> on_first_violation = nullptr)
      : what_(std::move(what)), limit_(limit), on_violation_(std::move(on_first_violation)) {}

  // `during` (e.g. "while fetching postings") goes into the error text after the limit's name.
  [[nodiscard]] absl::Status Reserve(uint64_t n, std::string_view during = {});
  uint64_t reserved() const { return reserved_.load(std::memory_order_relaxed); }

 private:
  std::string what_;
  uint64_t limit_;
  std::function<void()> on_violation_;
  std::atomic<uint64_t> reserved_{0};
  std::atomic<bool> violated_{false};
};

}  // namespace charon::store

#endif  // CHARON_STORE_LIMITER_H_
