// Status propagation helpers. Debian's Abseil (20220623) ships no such macros, so Charon has its
// own.
#ifndef CHARON_BASE_STATUS_MACROS_H_
#define CHARON_BASE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CHARON_CONCAT_INNER_(a, b) a##b
#define CHARON_CONCAT_(a, b) CHARON_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the current function if it is not OK.
#define CHARON_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status charon_status_ = (expr);          \
    if (!charon_status_.ok()) return charon_status_; \
  } while (0)

// CHARON_ASSIGN_OR_RETURN(auto x, F()) assigns the value of a StatusOr or returns its error.
#define CHARON_ASSIGN_OR_RETURN(lhs, rexpr) \
  CHARON_ASSIGN_OR_RETURN_IMPL_(CHARON_CONCAT_(charon_statusor_, __LINE__), lhs, rexpr)

#define CHARON_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // CHARON_BASE_STATUS_MACROS_H_
