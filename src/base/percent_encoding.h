// Hex digits and RFC 3986 percent-encoding both ways: object paths in URLs, query strings, S3's
// url-encoded listings, Azure's encoded blob names and canonicalized queries.
#ifndef CHARON_BASE_PERCENT_DECODE_H_
#define CHARON_BASE_PERCENT_DECODE_H_

#include <string>
#include <string_view>

namespace charon::base {

// The value of one hex digit (either case), or -1.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; with `plus_as_space` '+' is a space, as in
// application/x-www-form-urlencoded. A malformed escape is kept literally and sets *malformed (when
// given), so strict callers can refuse it.
std::string PercentDecode(std::string_view s, bool plus_as_space, bool* malformed = nullptr);

// Percent-encodes everything but RFC 3986's unreserved characters (upper-case hex); '/' is kept
// when `keep_slash` (for object paths).
std::string PercentEncode(std::string_view s, bool keep_slash);

}  // namespace charon::base

#endif  // CHARON_BASE_PERCENT_DECODE_H_
