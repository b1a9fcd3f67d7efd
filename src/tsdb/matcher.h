// Label matchers with Prometheus semantics: =, !=, =~, !~ where regexes are RE2, fully anchored
// (^(?s:re)$). Matching the empty string matters: `foo=""` selects series without foo and
// `foo!=""` series with it, because an absent label reads as "".
//
// Cheap to copy (the compiled regex is shared); thread-safe for concurrent Matches().
#ifndef CHARON_TSDB_MATCHER_H_
#define CHARON_TSDB_MATCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace re2 {
class RE2;
}

namespace charon::tsdb {

enum class MatchType { kEqual = 0, kNotEqual = 1, kRegexMatch = 2, kRegexNoMatch = 3 };

class Matcher {
 public:
  // InvalidArgument for a regex RE2 cannot compile.
  static absl::StatusOr<Matcher> Create(MatchType type, std::string name, std::string value);

  bool Matches(std::string_view v) const;

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }

  // For =~ / !~ whose regex is a plain alternation of literals (`a|b`, `(a|b)`, `2|2\.5`), the
  // literals, sorted and unique; for = / != the single value; otherwise empty and
  // has_set_matches() is false.
  bool has_set_matches() const { return has_set_; }
  const std::vector<std::string>& set_matches() const { return set_; }

  // Literal prefix every value the regex matches must start with ("" if none is known or for = /
  // !=). For =~ that is every value the matcher accepts; for !~ every value it rejects.
  const std::string& prefix() const { return prefix_; }

  // For =~ / !~: the regex is `.*` (or a spelling of it such as `(.*)`), so it matches every value
  // and planning needs no label values.
  bool regex_matches_any() const { return strategy_ == Strategy::kAny; }
  // For =~ / !~: the regex is `.+`, so it matches exactly the non-empty values.
  bool regex_matches_non_empty() const { return strategy_ == Strategy::kNonEmpty; }

  // Prometheus String(): name="value", name!="value", name=~"value", name!~"value" (value quoted as
  // Go %q).
  std::string String() const;

 private:
  MatchType type_ = MatchType::kEqual;
  std::string name_, value_;
  std::shared_ptr<const re2::RE2> re_;
  bool has_set_ = false;
  std::vector<std::string> set_;
  std::string prefix_;
  // How Matches() decides before negation. Every strategy other than kEqual/kSet falls back to RE2
  // for values it cannot decide cheaply, so results always equal RE2's full match.
  enum class Strategy : uint8_t {
    kEqual,           // = / !=
    kSet,             // literal alternation: lookup in set_
    kAny,             // .*
    kNonEmpty,        // .+
    kPrefixAny,       // prefix_ followed by .*
    kPrefixNonEmpty,  // prefix_ followed by .+
    kRegex,           // RE2, after rejecting values without prefix_
  };
  Strategy strategy_ = Strategy::kEqual;
};

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_MATCHER_H_
