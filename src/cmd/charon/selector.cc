#include "cmd/charon/selector.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/go_string.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::cmd {
namespace {

bool IsNameStart(char c, bool metric) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
}
bool IsNameChar(char c, bool metric) { return IsNameStart(c, metric) || (c >= '0' && c <= '9'); }

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view s) : s_(s) {}

  absl::StatusOr<std::vector<SelectorMatcher>> Parse() {
    std::vector<SelectorMatcher> out;
    SkipSpace();
    if (pos_ < s_.size() && IsNameStart(s_[pos_], /*metric=*/true)) {
      out.push_back({tsdb::MatchType::kEqual, "__name__", Name(/*metric=*/true)});
      SkipSpace();
    }
    if (pos_ < s_.size() && s_[pos_] == '{') {
      ++pos_;
      CHARON_RETURN_IF_ERROR(Matchers(&out));
    } else if (out.empty()) {
      return Error("expected a metric name or '{'");
    }
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected text after the selector");
    return out;
  }

 private:
  absl::Status Matchers(std::vector<SelectorMatcher>* out) {
    while (true) {
      SkipSpace();
      if (Consume('}')) return absl::OkStatus();
      std::string name;
      bool quoted = pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'' || s_[pos_] == '`');
      if (quoted) {
        CHARON_ASSIGN_OR_RETURN(name, StringLiteral());
      } else if (pos_ < s_.size() && IsNameStart(s_[pos_], /*metric=*/false)) {
        name = Name(/*metric=*/false);
      } else {
        return Error("expected a label name or '}'");
      }
      SkipSpace();
      // A lone quoted string is a metric name, as in {"my.metric", job="a"}.
      if (quoted && pos_ < s_.size() && (s_[pos_] == ',' || s_[pos_] == '}')) {
        out->push_back({tsdb::MatchType::kEqual, "__name__", std::move(name)});
      } else {
        SelectorMatcher m;
        m.name = std::move(name);
        if (Consume2("=~")) {
          m.type = tsdb::MatchType::kRegexMatch;
        } else if (Consume2("!~")) {
          m.type = tsdb::MatchType::kRegexNoMatch;
        } else if (Consume2("!=")) {
          m.type = tsdb::MatchType::kNotEqual;
        } else if (Consume('=')) {
          m.type = tsdb::MatchType::kEqual;
        } else {
          return Error("expected one of = != =~ !~");
        }
        SkipSpace();
        CHARON_ASSIGN_OR_RETURN(m.value, StringLiteral());
        out->push_back(std::move(m));
      }
      SkipSpace();
      if (Consume('}')) return absl::OkStatus();
      if (!Consume(',')) return Error("expected ',' or '}'");
    }
  }

  std::string Name(bool metric) {
    size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_], metric)) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  absl::StatusOr<std::string> StringLiteral() {
    if (pos_ >= s_.size()) return Error("expected a quoted string");
    char q = s_[pos_];
    if (q != '"' && q != '\'' && q != '`') return Error("expected a quoted string");
    size_t start = pos_++;
    while (pos_ < s_.size() && s_[pos_] != q) {
      if (s_[pos_] == '\\' && q != '`') ++pos_;
      ++pos_;
    }
    if (pos_ >= s_.size()) {
      pos_ = start;
      return Error("unterminated string");
    }
    ++pos_;
    absl::StatusOr<std::string> v = base::UnquoteGoString(s_.substr(start, pos_ - start));
    if (!v.ok()) {
      pos_ = start;
      return Error(v.status().message());
    }
    return v;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Consume2(std::string_view two) {
    if (s_.substr(pos_, 2) == two) {
      pos_ += 2;
      return true;
    }
    return false;
  }
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("bad selector \"", base::Absl(s_), "\": ", what, " at offset ", pos_));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<SelectorMatcher>> ParseSelector(std::string_view selector) {
  return SelectorParser(selector).Parse();
}

}  // namespace charon::cmd
