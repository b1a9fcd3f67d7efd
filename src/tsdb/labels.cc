#include "tsdb/labels.h"

#include <algorithm>
#include <cstdint>

namespace charon::tsdb {
namespace {

// Prometheus' legacy name rule [a-zA-Z_][a-zA-Z0-9_]*: such names print bare, any other name is
// quoted like a value (Prometheus 3 allows UTF-8 names).
bool IsLegacyName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Decodes one UTF-8 rune at s[i]; returns its length, or 0 for an invalid sequence (which Go
// prints byte by byte as \xNN).
size_t DecodeRune(std::string_view s, size_t i, uint32_t* r) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t n;
  uint32_t min;
  if (c < 0x80) {
    *r = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80, *r = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800, *r = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000, *r = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    *r = (*r << 6) | (b(k) & 0x3F);
  }
  if (*r < min || *r > 0x10FFFF || (*r >= 0xD800 && *r <= 0xDFFF)) return 0;
  return n;
}

// Go's unicode.IsPrint for the runes that occur in practice: controls, separators other than the
// ASCII space, format characters, private use and non-characters are not printable. Unassigned
// code points count as printable here (Go would escape them); no label value we know of has one.
bool IsPrintable(uint32_t r) {
  if (r < 0x20 || (r >= 0x7F && r <= 0xA0) || r == 0xAD) return false;
  if (r < 0x300) return true;
  if ((r >= 0x600 && r <= 0x605) || r == 0x61C || r == 0x6DD || r == 0x70F || r == 0x8E2 ||
      r == 0x1680 || r == 0x180E) {
    return false;
  }
  if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
      (r >= 0x205F && r <= 0x2064) || (r >= 0x2066 && r <= 0x206F) || r == 0x3000) {
    return false;
  }
  if ((r >= 0xE000 && r <= 0xF8FF) || r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) ||
      (r & 0xFFFE) == 0xFFFE || (r >= 0xF0000)) {
    return false;
  }
  if (r == 0x110BD || r == 0x110CD || (r >= 0x1BCA0 && r <= 0x1BCA3) ||
      (r >= 0x1D173 && r <= 0x1D17A) || r == 0xE0001 || (r >= 0xE0020 && r <= 0xE007F)) {
    return false;
  }
  return true;
}

void AppendHex(std::string* out, uint32_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xF]);
}

}  // namespace

int CompareLabels(const Labels& a, const Labels& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = a[i].name.compare(b[i].name); c != 0) return c < 0 ? -1 : 1;
    if (int c = a[i].value.compare(b[i].value); c != 0) return c < 0 ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

std::string_view GetLabel(const Labels& ls, std::string_view name) {
  for (const Label& l : ls) {
    if (l.name == name) return l.value;
  }
  return {};
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    uint32_t r = 0;
    size_t n = DecodeRune(s, i, &r);
    if (n == 0) {
      out += "\\x";
      AppendHex(&out, static_cast<unsigned char>(s[i]), 2);
      ++i;
      continue;
    }
    switch (r) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (IsPrintable(r)) {
          out.append(s.substr(i, n));
        } else if (r < 0x80) {
          out += "\\x";
          AppendHex(&out, r, 2);
        } else if (r < 0x10000) {
          out += "\\u";
          AppendHex(&out, r, 4);
        } else {
          out += "\\U";
          AppendHex(&out, r, 8);
        }
    }
    i += n;
  }
  out.push_back('"');
  return out;
}

std::string LabelsToString(const Labels& ls) {
  std::string out = "{";
  for (size_t i = 0; i < ls.size(); ++i) {
    if (i > 0) out += ", ";
    out += FormatLabelName(ls[i].name);
    out += '=';
    out += GoQuote(ls[i].value);
  }
  out += '}';
  return out;
}

std::string FormatLabelName(std::string_view name) {
  return IsLegacyName(name) ? std::string(name) : GoQuote(name);
}

}  // namespace charon::tsdb
