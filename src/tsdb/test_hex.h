// Hex helpers for byte-level tests.
#ifndef CHARON_TSDB_TEST_HEX_H_
#define CHARON_TSDB_TEST_HEX_H_

#include <string>
#include <string_view>

#include "base/percent_encoding.h"

namespace charon::tsdb::testing {

// "00 04 d0" or "0004d0" -> bytes; spaces ignored.
inline std::string FromHex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    const int v = base::HexDigitValue(c);
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline std::string ToHex(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : b) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 15]);
  }
  return out;
}

}  // namespace charon::tsdb::testing

#endif  // CHARON_TSDB_TEST_HEX_H_
