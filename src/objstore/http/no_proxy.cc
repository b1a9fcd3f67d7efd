#include "objstore/http/no_proxy.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace charon::objstore::http {
namespace {

// Whether the first `bits` bits of `a` and `b` (each `size` bytes) are equal.
bool SamePrefix(const unsigned char* a, const unsigned char* b, int size, int bits) {
  for (int i = 0; i < bits && i < size * 8; ++i) {
    const int mask = 0x80 >> (i % 8);
    if (((a[i / 8] ^ b[i / 8]) & mask) != 0) return false;
  }
  return true;
}

// Whether the address `ip` (of `family`) lies in `entry`, an address of the same family with an
// optional "/<bits>" ("/0" or none: the address itself).
bool InRange(int family, const std::string& ip, std::string_view entry) {
  const int size = family == AF_INET ? 4 : 16;
  int bits = 0;
  const size_t slash = entry.find('/');
  if (slash != std::string_view::npos) {
    if (!absl::SimpleAtoi(std::string(entry.substr(slash + 1)), &bits) || bits < 0 ||
        bits > size * 8) {
      return false;
    }
    entry = entry.substr(0, slash);
  }
  if (bits == 0) bits = size * 8;
  unsigned char a[16], b[16];
  if (inet_pton(family, ip.c_str(), a) != 1) return false;
  if (inet_pton(family, std::string(entry).c_str(), b) != 1) return false;
  return SamePrefix(a, b, size, bits);
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool NoProxyExempts(std::string_view no_proxy, std::string_view host) {
  if (host.empty() || no_proxy.empty()) return false;
  if (no_proxy == "*") return true;
  int family = 0;  // 0 = a name
  std::string name(host);
  if (name.front() == '[') {
    const size_t close = name.find(']');
    if (close == std::string::npos) return false;
    name = name.substr(1, close - 1);
    family = AF_INET6;
  } else {
    unsigned char addr[4];
    if (inet_pton(AF_INET, name.c_str(), addr) == 1) {
      family = AF_INET;
    } else if (name.back() == '.') {
      name.pop_back();
    }
  }
  name = absl::AsciiStrToLower(name);

  size_t pos = 0;
  while (pos < no_proxy.size()) {
    while (pos < no_proxy.size() && (IsBlank(no_proxy[pos]) || no_proxy[pos] == ',')) ++pos;
    size_t end = pos;
    while (end < no_proxy.size() && !IsBlank(no_proxy[end]) && no_proxy[end] != ',') ++end;
    std::string_view entry = no_proxy.substr(pos, end - pos);
    pos = end;
    if (entry.empty()) continue;
    if (family != 0) {
      if (InRange(family, name, entry)) return true;
      continue;
    }
    if (entry.back() == '.') entry.remove_suffix(1);
    if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
    if (entry.empty()) continue;
    const std::string lower = absl::AsciiStrToLower(std::string(entry));
    if (name == lower) return true;
    if (name.size() > lower.size() && name[name.size() - lower.size() - 1] == '.' &&
        name.compare(name.size() - lower.size(), lower.size(), lower) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace charon::objstore::http
