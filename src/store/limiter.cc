#include "store/limiter.h"

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::store {

absl::Status Limiter::Reserve(uint64_t n, std::string_view during) {
  uint64_t got = reserved_.fetch_add(n, std::memory_order_relaxed) + n;
  if (limit_ == 0 || got <= limit_) return absl::OkStatus();
  if (!violated_.exchange(true) && on_violation_) on_violation_();
  return absl::ResourceExhaustedError(
      absl::StrCat("exceeded ", what_, " limit", during.empty() ? "" : " ", base::Absl(during),
                   ": limit ", limit_, " violated (got ", got, ")"));
}

}  // namespace charon::store
