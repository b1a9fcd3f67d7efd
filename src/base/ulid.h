// ULID: 48-bit millisecond timestamp + 80 random bits, written as 26 Crockford base32 characters.
// Block directories are named by ULID; a top-level bucket entry is a block iff its name parses.
#ifndef CHARON_BASE_ULID_H_
#define CHARON_BASE_ULID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace charon::base {

class Ulid {
 public:
  Ulid() = default;
  // Parses the text form (upper or lower case). InvalidArgument unless exactly 26 valid characters
  // whose first is at most '7'.
  static absl::StatusOr<Ulid> Parse(std::string_view text);
  // A ULID with the given timestamp and randomness taken from a PRNG (for tests and tools).
  static Ulid FromTime(uint64_t unix_ms, uint64_t entropy_seed);

  uint64_t TimestampMs() const;
  std::string ToString() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  auto operator<=>(const Ulid&) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace charon::base

#endif  // CHARON_BASE_ULID_H_
