#include "base/units.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::base {
namespace {

struct Term {
  double value;
  std::string_view unit;
};

// Splits "1.5h30m" into {1.5, "h"}, {30, "m"}. False on syntax errors.
bool SplitTerms(std::string_view s, std::vector<Term>* terms) {
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == start) return false;
    std::string number(s.substr(start, i - start));
    if (number == "." || std::count(number.begin(), number.end(), '.') > 1) return false;
    size_t unit_start = i;
    while (i < s.size() && !((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    terms->push_back({std::strtod(number.c_str(), nullptr), s.substr(unit_start, i - unit_start)});
  }
  return !terms->empty();
}

}  // namespace

absl::StatusOr<int64_t> ParseByteSize(std::string_view s) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid byte size \"", base::Absl(s),
                     "\": want a number with a unit such as 250MB or 2GiB"));
  };
  if (s == "0") return 0;
  std::vector<Term> terms;
  if (!SplitTerms(s, &terms)) return invalid();
  double total = 0;
  for (const Term& t : terms) {
    static constexpr std::string_view kPrefixes = "KMGTPE";
    double scale = 0;
    if (t.unit == "B") {
      scale = 1;
    } else if ((t.unit.size() == 2 && t.unit[1] == 'B') ||
               (t.unit.size() == 3 && t.unit[1] == 'i' && t.unit[2] == 'B')) {
      size_t p = kPrefixes.find(t.unit[0]);
      if (p == std::string_view::npos) return invalid();
      scale = std::ldexp(1.0, 10 * static_cast<int>(p + 1));
    } else {
      return invalid();
    }
    total += t.value * scale;
  }
  if (total >= 9.2e18) return invalid();
  return static_cast<int64_t>(total);
}

absl::StatusOr<absl::Duration> ParseDuration(std::string_view s, bool allow_sign) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid duration \"", base::Absl(s),
                     "\": want a number with a unit such as 30s, 3m, 24h or 1d"));
  };
  std::string_view rest = s;
  bool negative = false;
  if (allow_sign && !rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return absl::ZeroDuration();
  std::vector<Term> terms;
  if (!SplitTerms(rest, &terms)) return invalid();
  absl::Duration total;
  for (const Term& t : terms) {
    absl::Duration unit;
    if (t.unit == "ns")
      unit = absl::Nanoseconds(1);
    else if (t.unit == "us" || t.unit == "\xC2\xB5s" || t.unit == "\xCE\xBCs")
      unit = absl::Microseconds(1);
    else if (t.unit == "ms")
      unit = absl::Milliseconds(1);
    else if (t.unit == "s")
      unit = absl::Seconds(1);
    else if (t.unit == "m")
      unit = absl::Minutes(1);
    else if (t.unit == "h")
      unit = absl::Hours(1);
    else if (t.unit == "d")
      unit = absl::Hours(24);
    else if (t.unit == "w")
      unit = absl::Hours(24 * 7);
    else if (t.unit == "y")
      unit = absl::Hours(24 * 365);
    else
      return invalid();
    total += t.value * unit;
  }
  if (total == absl::InfiniteDuration()) return invalid();
  return negative ? -total : total;
}

}  // namespace charon::base
