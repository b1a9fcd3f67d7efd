#include "cmd/charon/time_or_duration.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "base/units.h"

namespace charon::cmd {

absl::StatusOr<TimeOrDuration> TimeOrDuration::Parse(std::string_view s) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, base::Absl(s), &t, &err)) {
    return TimeOrDuration(t, std::string(s));
  }
  absl::StatusOr<absl::Duration> d = base::ParseDuration(s, /*allow_sign=*/true);
  if (!d.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", base::Absl(s), "\" is neither an RFC3339 time nor a duration such as -1d or 2h45m"));
  }
  return TimeOrDuration(*d, std::string(s));
}

absl::Time TimeOrDuration::Resolve(absl::Time now) const {
  if (const absl::Time* t = std::get_if<absl::Time>(&value_)) return *t;
  return now + std::get<absl::Duration>(value_);
}

int64_t TimeOrDuration::ResolveMillis(absl::Time now) const {
  const absl::Time t = Resolve(now);
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  return absl::ToUnixMillis(t);
}

}  // namespace charon::cmd
