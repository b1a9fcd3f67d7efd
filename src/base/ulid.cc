#include "base/ulid.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::base {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int DecodeChar(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

}  // namespace

absl::StatusOr<Ulid> Ulid::Parse(std::string_view text) {
  if (text.size() != 26) {
    return absl::InvalidArgumentError(absl::StrCat("ulid: bad length ", text.size()));
  }
  // 26 chars x 5 bits = 130 bits; the top two bits must be zero.
  unsigned __int128 v = 0;
  for (size_t i = 0; i < 26; ++i) {
    int d = DecodeChar(text[i]);
    if (d < 0)
      return absl::InvalidArgumentError(absl::StrCat("ulid: bad character in ", Absl(text)));
    if (i == 0 && d > 7) return absl::InvalidArgumentError("ulid: overflow");
    v = (v << 5) | static_cast<unsigned>(d);
  }
  Ulid u;
  for (int i = 15; i >= 0; --i) {
    u.bytes_[i] = static_cast<uint8_t>(v & 0xFF);
    v >>= 8;
  }
  return u;
}

Ulid Ulid::FromTime(uint64_t unix_ms, uint64_t entropy_seed) {
  Ulid u;
  for (int i = 5; i >= 0; --i) {
    u.bytes_[i] = static_cast<uint8_t>(unix_ms & 0xFF);
    unix_ms >>= 8;
  }
  std::mt19937_64 rng(entropy_seed);
  uint64_t a = rng(), b = rng();
  for (int i = 6; i < 16; ++i) {
    u.bytes_[i] = static_cast<uint8_t>((i < 14 ? a >> (8 * (i - 6)) : b >> (8 * (i - 14))) & 0xFF);
  }
  return u;
}

uint64_t Ulid::TimestampMs() const {
  uint64_t t = 0;
  for (int i = 0; i < 6; ++i) t = (t << 8) | bytes_[i];
  return t;
}

std::string Ulid::ToString() const {
  unsigned __int128 v = 0;
  for (uint8_t b : bytes_) v = (v << 8) | b;
  std::string s(26, '0');
  for (int i = 25; i >= 0; --i) {
    s[i] = kAlphabet[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  return s;
}

}  // namespace charon::base
