#include "store/limiter.h"

#include "absl/strings/str_cat.h"

namespace charon::store {

absl::Status Limiter::Reserve(uint64_t n) {
  uint64_t got = reserved_.fetch_add(n, std::memory_order_relaxed) + n;
  if (limit_ == 0 || got <= limit_) return absl::OkStatus();
  if (!violated_.exchange(true) && on_violation_) on_violation_();
  return absl::ResourceExhaustedError(
      absl::StrCat("exceeded ", what_, " limit: limit ", limit_, " violated (got ", got, ")"));
}

}  // namespace charon::store
