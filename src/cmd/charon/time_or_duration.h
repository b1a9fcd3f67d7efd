// A point in time given either absolutely (RFC3339) or relative to now (a signed duration), as
// Thanos' --min-time/--max-time (model.TimeOrDurationValue). A relative value is re-evaluated on
// every Resolve, so a store started with --min-time=-2w keeps serving a sliding two weeks.
#ifndef CHARON_CMD_CHARON_TIME_OR_DURATION_H_
#define CHARON_CMD_CHARON_TIME_OR_DURATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::cmd {

class TimeOrDuration {
 public:
  // RFC3339 ("2026-01-02T15:04:05Z", fraction and offset allowed) or a duration with units
  // ms,s,m,h,d,w,y and an optional sign ("-1d", "2h45m"). InvalidArgument otherwise.
  static absl::StatusOr<TimeOrDuration> Parse(std::string_view s);

  static TimeOrDuration At(absl::Time t) { return TimeOrDuration(t, ""); }
  static TimeOrDuration FromNow(absl::Duration d) { return TimeOrDuration(d, ""); }

  // The absolute time, or now + duration.
  absl::Time Resolve(absl::Time now) const;
  // Resolve as Prometheus milliseconds, saturating at the int64 range.
  int64_t ResolveMillis(absl::Time now) const;

  bool is_relative() const { return std::holds_alternative<absl::Duration>(value_); }
  // The text it was parsed from (for messages); empty for At/FromNow.
  const std::string& text() const { return text_; }

  friend bool operator==(const TimeOrDuration& a, const TimeOrDuration& b) {
    return a.value_ == b.value_;
  }

 private:
  template <typename T>
  TimeOrDuration(T value, std::string text) : value_(value), text_(std::move(text)) {}

  std::variant<absl::Time, absl::Duration> value_;
  std::string text_;
};

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_TIME_OR_DURATION_H_
