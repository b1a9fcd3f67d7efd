#include "tsdb/matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "tsdb/labels.h"

namespace charon::tsdb {
namespace {

// Prometheus stops expanding literal alternations past this many values (maxSetMatches); beyond
// it the regex is evaluated as a regex.
constexpr size_t kMaxSetMatches = 256;
// Nesting deeper than this is left to RE2; it keeps the shape parser's recursion bounded.
constexpr int kMaxShapeDepth = 64;

// The subset of regex syntax the fast paths understand: literals (escaped punctuation included),
// groups `(...)` / `(?:...)`, alternation, and `.*` / `.+`. Anything else (classes, other
// quantifiers, flags such as (?i), anchors, \d...) makes the parser give up, which only costs the
// fast path, never correctness.
struct Shape {
  enum class Kind { kLiteral, kAnyStar, kAnyPlus, kConcat, kAlternate };
  Kind kind = Kind::kConcat;
  std::string literal;
  std::vector<Shape> subs;
};

bool IsMeta(char c) { return std::strchr("\\.+*?()|[]{}^$", c) != nullptr && c != '\0'; }

class ShapeParser {
 public:
  explicit ShapeParser(std::string_view re) : re_(re) {}

  std::optional<Shape> Parse() {
    std::optional<Shape> s = ParseAlternate(0);
    if (!s || pos_ != re_.size()) return std::nullopt;
    return s;
  }

 private:
  std::optional<Shape> ParseAlternate(int depth) {
    if (depth > kMaxShapeDepth) return std::nullopt;
    Shape alt{Shape::Kind::kAlternate, {}, {}};
    while (true) {
      std::optional<Shape> seq = ParseConcat(depth);
      if (!seq) return std::nullopt;
      alt.subs.push_back(std::move(*seq));
      if (pos_ < re_.size() && re_[pos_] == '|') {
        ++pos_;
        continue;
      }
      break;
    }
    if (alt.subs.size() == 1) return std::move(alt.subs[0]);
    return alt;
  }

  std::optional<Shape> ParseConcat(int depth) {
    Shape seq{Shape::Kind::kConcat, {}, {}};
    std::string lit;
    auto flush = [&] {
      if (!lit.empty()) seq.subs.push_back(Shape{Shape::Kind::kLiteral, std::move(lit), {}});
      lit.clear();
    };
    while (pos_ < re_.size()) {
      const char c = re_[pos_];
      if (c == '|' || c == ')') break;
      if (c == '(') {
        flush();
        ++pos_;
        if (re_.substr(pos_, 2) == "?:") {
          pos_ += 2;
        } else if (pos_ < re_.size() && re_[pos_] == '?') {
          return std::nullopt;  // flags or named groups
        }
        std::optional<Shape> sub = ParseAlternate(depth + 1);
        if (!sub || pos_ >= re_.size() || re_[pos_] != ')') return std::nullopt;
        ++pos_;
        if (QuantifierNext()) return std::nullopt;
        seq.subs.push_back(std::move(*sub));
        continue;
      }
      if (c == '.') {
        if (pos_ + 1 >= re_.size() || (re_[pos_ + 1] != '*' && re_[pos_ + 1] != '+')) {
          return std::nullopt;
        }
        const bool star = re_[pos_ + 1] == '*';
        pos_ += 2;
        if (QuantifierNext()) return std::nullopt;  // lazy or stacked repetition
        flush();
        seq.subs.push_back(Shape{star ? Shape::Kind::kAnyStar : Shape::Kind::kAnyPlus, {}, {}});
        continue;
      }
      if (c == '\\') {
        if (pos_ + 1 >= re_.size() || !std::ispunct(static_cast<unsigned char>(re_[pos_ + 1]))) {
          return std::nullopt;
        }
        lit.push_back(re_[pos_ + 1]);
        pos_ += 2;
      } else if (IsMeta(c)) {
        return std::nullopt;
      } else {
        lit.push_back(c);
        ++pos_;
      }
      if (QuantifierNext()) return std::nullopt;
    }
    flush();
    if (seq.subs.size() == 1) return std::move(seq.subs[0]);
    return seq;
  }

  bool QuantifierNext() const {
    return pos_ < re_.size() && std::strchr("*+?{", re_[pos_]) != nullptr;
  }

  std::string_view re_;
  size_t pos_ = 0;
};

// The strings a shape matches, if it is a finite set of at most kMaxSetMatches literals.
std::optional<std::vector<std::string>> ExpandSet(const Shape& s) {
  switch (s.kind) {
    case Shape::Kind::kLiteral:
      return std::vector<std::string>{s.literal};
    case Shape::Kind::kAnyStar:
    case Shape::Kind::kAnyPlus:
      return std::nullopt;
    case Shape::Kind::kConcat: {
      std::vector<std::string> out{""};
      for (const Shape& sub : s.subs) {
        std::optional<std::vector<std::string>> tail = ExpandSet(sub);
        if (!tail || out.size() * tail->size() > kMaxSetMatches) return std::nullopt;
        std::vector<std::string> next;
        next.reserve(out.size() * tail->size());
        for (const std::string& head : out) {
          for (const std::string& t : *tail) next.push_back(head + t);
        }
        out = std::move(next);
      }
      return out;
    }
    case Shape::Kind::kAlternate: {
      std::vector<std::string> out;
      for (const Shape& sub : s.subs) {
        std::optional<std::vector<std::string>> part = ExpandSet(sub);
        if (!part || out.size() + part->size() > kMaxSetMatches) return std::nullopt;
        out.insert(out.end(), part->begin(), part->end());
      }
      return out;
    }
  }
  return std::nullopt;
}

// Literal every match of `s` starts with; `*exact` tells whether `s` matches only that literal.
std::string LeadingLiteral(const Shape& s, bool* exact) {
  switch (s.kind) {
    case Shape::Kind::kLiteral:
      *exact = true;
      return s.literal;
    case Shape::Kind::kAnyStar:
    case Shape::Kind::kAnyPlus:
      *exact = false;
      return "";
    case Shape::Kind::kConcat: {
      std::string out;
      for (const Shape& sub : s.subs) {
        bool sub_exact = false;
        out += LeadingLiteral(sub, &sub_exact);
        if (!sub_exact) {
          *exact = false;
          return out;
        }
      }
      *exact = true;
      return out;
    }
    case Shape::Kind::kAlternate: {
      bool first_exact = false;
      std::string common = LeadingLiteral(s.subs[0], &first_exact);
      bool all_same = first_exact;
      for (size_t i = 1; i < s.subs.size(); ++i) {
        bool sub_exact = false;
        const std::string p = LeadingLiteral(s.subs[i], &sub_exact);
        all_same = all_same && sub_exact && p == common;
        const auto mismatch = std::mismatch(common.begin(), common.end(), p.begin(), p.end());
        common.erase(mismatch.first, common.end());
      }
      *exact = all_same;
      return common;
    }
  }
  *exact = false;
  return "";
}

// For regexes the shape parser does not understand (`pod-01[0-9]+`): every match s satisfies
// min <= s <= max, so s starts with the common prefix of min and max.
std::string RangePrefix(const RE2& re) {
  std::string min, max;
  if (!re.PossibleMatchRange(&min, &max, 64)) return "";
  const auto mismatch = std::mismatch(min.begin(), min.end(), max.begin(), max.end());
  return std::string(min.begin(), mismatch.first);
}

// True when every byte is ASCII other than '\n': then `.` matches each of them and the dot fast
// paths can decide alone; anything else goes to RE2.
bool IsAscii(std::string_view v) {
  unsigned char acc = 0;
  bool newline = false;
  for (char c : v) {
    acc |= static_cast<unsigned char>(c);
    newline |= c == '\n';
  }
  return acc < 0x80 && !newline;
}

}  // namespace

absl::StatusOr<Matcher> Matcher::Create(MatchType type, std::string name, std::string value) {
  Matcher m;
  m.type_ = type;
  m.name_ = std::move(name);
  m.value_ = std::move(value);
  if (type == MatchType::kEqual || type == MatchType::kNotEqual) {
    m.strategy_ = Strategy::kEqual;
    m.has_set_ = true;
    m.set_ = {m.value_};
    return m;
  }
  if (type != MatchType::kRegexMatch && type != MatchType::kRegexNoMatch) {
    return absl::InvalidArgumentError(absl::StrCat("unknown match type ", static_cast<int>(type)));
  }

  // RE2's anchored full match is Prometheus 2.x's ^(?:re)$ without wrapping the pattern, so an
  // unbalanced `a)(b` is rejected instead of silently changing meaning. As in Prometheus 2.42 (the
  // reference) and Thanos <= v0.36, `.` does not match a newline (Prometheus 3 added (?s)).
  RE2::Options options;
  options.set_dot_nl(false);
  options.set_log_errors(false);
  // Dashboards send alternations of thousands of values; the default 8 MiB rejects some of them.
  options.set_max_mem(int64_t{64} << 20);
  auto re =
      std::make_shared<const RE2>(re2::StringPiece(m.value_.data(), m.value_.size()), options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid regular expression ", GoQuote(m.value_), ": ", re->error()));
  }
  m.re_ = std::move(re);
  m.strategy_ = Strategy::kRegex;

  std::optional<Shape> shape = ShapeParser(m.value_).Parse();
  if (!shape) {
    m.prefix_ = RangePrefix(*m.re_);
    return m;
  }
  bool exact = false;
  m.prefix_ = LeadingLiteral(*shape, &exact);
  if (std::optional<std::vector<std::string>> set = ExpandSet(*shape)) {
    std::sort(set->begin(), set->end());
    set->erase(std::unique(set->begin(), set->end()), set->end());
    m.set_ = std::move(*set);
    m.has_set_ = true;
    m.strategy_ = Strategy::kSet;
    return m;
  }
  // `prefix.*` / `prefix.+` where the part before the dot is an exact literal.
  const Shape* last = &*shape;
  bool head_exact = true;
  if (shape->kind == Shape::Kind::kConcat) {
    last = &shape->subs.back();
    Shape head{Shape::Kind::kConcat, {}, {shape->subs.begin(), shape->subs.end() - 1}};
    LeadingLiteral(head, &head_exact);
  }
  if (head_exact && last->kind == Shape::Kind::kAnyStar) {
    m.strategy_ = m.prefix_.empty() ? Strategy::kAny : Strategy::kPrefixAny;
  } else if (head_exact && last->kind == Shape::Kind::kAnyPlus) {
    m.strategy_ = m.prefix_.empty() ? Strategy::kNonEmpty : Strategy::kPrefixNonEmpty;
  }
  return m;
}

bool Matcher::Matches(std::string_view v) const {
  // RE2's dot does not match every invalid UTF-8 byte, so the dot fast paths decide only ASCII
  // tails and leave the rest to RE2.
  const auto full = [&] { return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_); };
  bool matched = false;
  switch (strategy_) {
    case Strategy::kEqual:
      matched = v == value_;
      break;
    case Strategy::kSet:
      matched = std::binary_search(set_.begin(), set_.end(), v,
                                   [](std::string_view a, std::string_view b) { return a < b; });
      break;
    case Strategy::kAny:
      matched = IsAscii(v) || full();
      break;
    case Strategy::kNonEmpty:
      matched = !v.empty() && (IsAscii(v) || full());
      break;
    case Strategy::kPrefixAny:
      matched = v.starts_with(prefix_) && (IsAscii(v.substr(prefix_.size())) || full());
      break;
    case Strategy::kPrefixNonEmpty:
      matched = v.size() > prefix_.size() && v.starts_with(prefix_) &&
                (IsAscii(v.substr(prefix_.size())) || full());
      break;
    case Strategy::kRegex:
      matched = v.starts_with(prefix_) && full();
      break;
  }
  const bool negated = type_ == MatchType::kNotEqual || type_ == MatchType::kRegexNoMatch;
  return matched != negated;
}

std::string Matcher::String() const {
  const char* op = "=";
  switch (type_) {
    case MatchType::kEqual:
      op = "=";
      break;
    case MatchType::kNotEqual:
      op = "!=";
      break;
    case MatchType::kRegexMatch:
      op = "=~";
      break;
    case MatchType::kRegexNoMatch:
      op = "!~";
      break;
  }
  return absl::StrCat(FormatLabelName(name_), op, GoQuote(value_));
}

}  // namespace charon::tsdb
