#include "store/request_status.h"

#include <string>

#include "base/logging.h"

namespace charon::store {

absl::Status NotReady() {
  return absl::UnavailableError("store not ready: initial block sync in progress");
}

void LogRequestFailure(std::string_view call, const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      if (s.message() != NotReady().message()) {
        base::LogWarn("request failed", {{"call", std::string(call)},
                                         {"code", absl::StatusCodeToString(s.code())},
                                         {"err", std::string(s.message())}});
      }
      break;
    default:
      break;
  }
}

}  // namespace charon::store
