#include "cache/memcached_servers.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::cache {
namespace {

constexpr std::string_view kDns = "dns+";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The next run of digits or non-digits of `s` starting at `*pos`.
std::string_view NextRun(std::string_view s, size_t* pos) {
  size_t start = *pos;
  bool digits = IsDigit(s[start]);
  size_t end = start;
  while (end < s.size() && IsDigit(s[end]) == digits) ++end;
  *pos = end;
  return s.substr(start, end - start);
}

// Compares two runs of digits by value; 0 when equal.
int CompareNumbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b);
}

}  // namespace

int JumpHash(uint64_t key, int buckets) {
  int64_t b = -1;
  int64_t j = 0;
  while (j < buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) * (static_cast<double>(int64_t{1} << 31) /
                                                           static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<int>(b);
}

int PickServer(std::string_view key, int num_servers) {
  if (num_servers <= 1) return 0;
  return JumpHash(XXH64(key.data(), key.size(), 0), num_servers);
}

bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool num_a = IsDigit(a[i]), num_b = IsDigit(b[j]);
    std::string_view ra = NextRun(a, &i), rb = NextRun(b, &j);
    if (ra == rb) continue;
    if (num_a && num_b) {
      int c = CompareNumbers(ra, rb);
      if (c != 0) return c < 0;
    }
    return ra < rb;
  }
  return a.size() - i < b.size() - j;
}

absl::Status SplitHostPort(std::string_view address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("memcached address \"", base::Absl(address), "\" is not host:port"));
  }
  std::string_view h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int p = 0;
  if (!absl::SimpleAtoi(base::Absl(address.substr(colon + 1)), &p) || p <= 0 || p > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("memcached address \"", base::Absl(address), "\" has no valid port"));
  }
  *host = std::string(h);
  *port = p;
  return absl::OkStatus();
}

absl::Status CheckAddresses(const std::vector<std::string>& addresses) {
  for (const std::string& a : addresses) {
    std::string_view rest = a;
    if (absl::StartsWith(a, "dnssrv+") || absl::StartsWith(a, "dnssrvnoa+")) {
      return absl::UnimplementedError(absl::StrCat(
          "memcached address \"", a,
          "\": DNS SRV discovery (dnssrv+, dnssrvnoa+) is not implemented in Charon; use dns+ or "
          "host:port"));
    }
    if (absl::StartsWith(a, base::Absl(kDns))) {
      rest.remove_prefix(kDns.size());
    } else if (size_t plus = a.find('+'); plus != std::string::npos && a.find(':') > plus) {
      return absl::UnimplementedError(
          absl::StrCat("memcached address \"", a, "\": unknown discovery prefix"));
    }
    std::string host;
    int port = 0;
    absl::Status s = SplitHostPort(rest, &host, &port);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

bool NeedsDnsRefresh(const std::vector<std::string>& addresses) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [](const std::string& a) { return absl::StartsWith(a, base::Absl(kDns)); });
}

std::vector<std::string> ResolveAddresses(const std::vector<std::string>& addresses,
                                          absl::Status* lookup_error) {
  std::vector<std::string> out;
  for (const std::string& a : addresses) {
    if (!absl::StartsWith(a, base::Absl(kDns))) {
      out.push_back(a);
      continue;
    }
    std::string host;
    int port = 0;
    if (absl::Status s = SplitHostPort(std::string_view(a).substr(kDns.size()), &host, &port);
        !s.ok()) {
      *lookup_error = s;
      continue;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      *lookup_error = absl::UnavailableError(
          absl::StrCat("resolving memcached address ", a, ": ", gai_strerror(rc)));
      continue;
    }
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
      char buf[INET6_ADDRSTRLEN] = {};
      if (ai->ai_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf, sizeof buf);
        out.push_back(absl::StrCat(buf, ":", port));
      } else if (ai->ai_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf,
                  sizeof buf);
        out.push_back(absl::StrCat("[", buf, "]:", port));
      }
    }
    freeaddrinfo(res);
  }
  std::sort(out.begin(), out.end(),
            [](const std::string& x, const std::string& y) { return NaturalLess(x, y); });
  return out;
}

}  // namespace charon::cache
