// Parsers for the value syntaxes of Thanos flags and YAML configs (sizes, durations).
#ifndef CHARON_BASE_UNITS_H_
#define CHARON_BASE_UNITS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::base {

// Byte sizes as kingpin's Bytes() flags read them (alecthomas/units base-2): one or more
// <number><unit> terms ("250MB", "1GB512MB", "1.5GiB"), units B, KB, MB, GB, TB, PB, EB and their
// KiB..EiB spellings, all powers of 1024; "0" needs no unit. InvalidArgument otherwise, and on
// overflow.
absl::StatusOr<int64_t> ParseByteSize(std::string_view s);

// Durations of both flag kinds Thanos uses: Go's time.ParseDuration ("1h30m", "1.5s", "500ms") and
// Prometheus' model.Duration ("1d", "2w", "1y"). One or more <number><unit> terms with units ns,
// us, µs, ms, s, m, h, d (24h), w (7d), y (365d); "0" needs no unit; an optional leading '-' or '+'
// when `allow_sign`. InvalidArgument otherwise.
absl::StatusOr<absl::Duration> ParseDuration(std::string_view s, bool allow_sign = false);

}  // namespace charon::base

#endif  // CHARON_BASE_UNITS_H_
