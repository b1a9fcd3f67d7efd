#include "base/go_string.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/percent_encoding.h"
#include "base/strings.h"

namespace charon::base {
namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

absl::StatusOr<std::string> UnquoteGoString(std::string_view lit) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(why, " in ", base::Absl(lit)));
  };
  if (lit.size() < 2 || lit.front() != lit.back()) return bad("unterminated string");
  char q = lit.front();
  std::string_view body = lit.substr(1, lit.size() - 2);
  if (q == '`') {
    if (body.find('`') != std::string_view::npos) return bad("backquote inside raw string");
    return std::string(body);
  }
  if (q != '"' && q != '\'') return bad("not a quoted string");
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == q) return bad("unescaped quote");
    if (c == '\n') return bad("newline");
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= body.size()) return bad("backslash at the end");
    char e = body[i];
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '"':
      case '\'':
        if (e != q) return bad("escaped quote of the other kind");
        out.push_back(e);
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n >= body.size()) return bad("short escape");
        uint32_t v = 0;
        for (size_t k = 1; k <= n; ++k) {
          int h = HexDigitValue(body[i + k]);
          if (h < 0) return bad("bad hex digit in escape");
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out.push_back(static_cast<char>(v));
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return bad("invalid Unicode code point");
          AppendUtf8(v, &out);
        }
        break;
      }
      default: {
        if (e < '0' || e > '7') return bad("unknown escape");
        if (i + 2 >= body.size()) return bad("short octal escape");
        uint32_t v = 0;
        for (size_t k = 0; k < 3; ++k) {
          char d = body[i + k];
          if (d < '0' || d > '7') return bad("bad octal digit in escape");
          v = v * 8 + static_cast<uint32_t>(d - '0');
        }
        if (v > 255) return bad("octal escape above \\377");
        i += 2;
        out.push_back(static_cast<char>(v));
      }
    }
  }
  return out;
}

}  // namespace charon::base
