// A PromQL series selector as `charon query series` takes it.
#ifndef CHARON_CMD_CHARON_SELECTOR_H_
#define CHARON_CMD_CHARON_SELECTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/matcher.h"

namespace charon::cmd {

struct SelectorMatcher {
  tsdb::MatchType type = tsdb::MatchType::kEqual;
  std::string name;
  std::string value;
  bool operator==(const SelectorMatcher&) const = default;
};

// Parses a PromQL series selector: `metric`, `metric{...}` or `{...}`, where `...` is a
// comma-separated list (trailing comma allowed) of `name op "value"` with op one of = != =~ !~
// and the value (or a label name) a Go string literal: "..." or '...' with Go's escapes
// (\n, \xFF, \377, \u00e9, ...) or `raw`. The metric name becomes a __name__ matcher first.
// InvalidArgument naming the offset of the first error. Regexes are not compiled here.
absl::StatusOr<std::vector<SelectorMatcher>> ParseSelector(std::string_view selector);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_SELECTOR_H_
