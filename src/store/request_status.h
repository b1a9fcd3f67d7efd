// Statuses and logging shared by the store's query entry points (Series and the label calls).
#ifndef CHARON_STORE_REQUEST_STATUS_H_
#define CHARON_STORE_REQUEST_STATUS_H_

#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::store {

// Before the initial sync the block set is incomplete: queries are refused rather than answered
// partially.
absl::Status NotReady();

// Logs `s` if it is a failure the operator must see (a block's objects unreadable, missing or
// corrupt; the message names the block); client errors, limits and cancellations are not logged.
void LogRequestFailure(std::string_view call, const absl::Status& s);

// Logs the status of `result` as LogRequestFailure does and returns `result`.
template <typename T>
T Logged(std::string_view call, T result) {
  if constexpr (std::is_same_v<T, absl::Status>) {
    LogRequestFailure(call, result);
  } else {
    LogRequestFailure(call, result.status());
  }
  return result;
}

}  // namespace charon::store

#endif  // CHARON_STORE_REQUEST_STATUS_H_
