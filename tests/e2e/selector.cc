#include "e2e/selector.h"

#include "absl/strings/str_cat.h"
#include "tsdb/labels.h"

namespace charon::e2e {

std::string PromQLSelector(const std::vector<Matcher>& matchers) {
  std::string out = "{";
  for (const Matcher& m : matchers) {
    const char* op = m.op == MatchOp::kEq    ? "="
                     : m.op == MatchOp::kNeq ? "!="
                     : m.op == MatchOp::kRe  ? "=~"
                                             : "!~";
    absl::StrAppend(&out, out.size() > 1 ? ", " : "", m.name, op, tsdb::GoQuote(m.value));
  }
  return out + "}";
}

}  // namespace charon::e2e
