// UnquoteGoString: the value of a Go string literal, as Go's strconv.Unquote: "..." and '...' with
// Go's escapes (\a \b \f \n \r \t \v \\ \" \' \xNN \NNN \uNNNN \UNNNNNNNN), and `raw`. Prometheus
// tools print label values this way (promtool tsdb dump, selectors in PromQL).
#ifndef CHARON_BASE_GO_STRING_H_
#define CHARON_BASE_GO_STRING_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace charon::base {

// InvalidArgument, naming the literal, for anything strconv.Unquote rejects. \xNN and octal
// escapes give one raw byte each (so invalid UTF-8 round-trips); \u and \U give UTF-8.
absl::StatusOr<std::string> UnquoteGoString(std::string_view literal);

}  // namespace charon::base

#endif  // CHARON_BASE_GO_STRING_H_
