// Annotate: the same status with `context` in front of its message ("context: message"), so an
// error says where it happened (object, block, config file) and keeps the code callers branch on.
// OK stays OK.
#ifndef CHARON_BASE_ANNOTATE_H_
#define CHARON_BASE_ANNOTATE_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::base {

inline absl::Status Annotate(const absl::Status& s, std::string_view context) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(Absl(context), ": ", s.message()));
}

}  // namespace charon::base

#endif  // CHARON_BASE_ANNOTATE_H_
