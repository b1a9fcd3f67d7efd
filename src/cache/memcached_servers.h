// How Thanos' memcached client turns `addresses` into servers and picks a server per key, so that
// Charon and Thanos stores sharing the same memcached servers agree on where every key lives.
//
//   * "host:port" is used as is; "dns+host:port" becomes one "ip:port" per A/AAAA record
//     ("[ip6]:port" for IPv6); "dnssrv+" and "dnssrvnoa+" (SRV lookups) are not supported.
//   * the resolved list is sorted in natural order ("10.0.0.2:11211" before "10.0.0.10:11211");
//   * a key goes to server JumpHash(xxhash64(key), n) of that list (always 0 when n == 1).
// Pure functions apart from ResolveAddresses (which calls getaddrinfo); thread-safe.
#ifndef CHARON_CACHE_MEMCACHED_SERVERS_H_
#define CHARON_CACHE_MEMCACHED_SERVERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::cache {

// Jump consistent hash (Lamping & Veach) of `key` into [0, buckets); buckets >= 1. Computed with
// the same float64 steps as Go's implementation, so results are identical.
int JumpHash(uint64_t key, int buckets);

// Index of the server for `key` among `num_servers` (>= 1) sorted servers.
int PickServer(std::string_view key, int num_servers);

// Natural order: runs of digits compare as numbers, other runs byte-wise.
bool NaturalLess(std::string_view a, std::string_view b);

// InvalidArgument when an address is not [prefix+]host:port; Unimplemented for dnssrv+ and
// dnssrvnoa+ (SRV records) and unknown prefixes.
absl::Status CheckAddresses(const std::vector<std::string>& addresses);

// The servers for `addresses` in natural order; a server listed twice stays twice (it gets twice
// the keys, as in Thanos). A "dns+" name that does not
// resolve is skipped and its error returned in `*lookup_error` (the last one); the caller decides
// whether an empty result is fatal.
std::vector<std::string> ResolveAddresses(const std::vector<std::string>& addresses,
                                          absl::Status* lookup_error);

// True when some address needs periodic re-resolution ("dns+").
bool NeedsDnsRefresh(const std::vector<std::string>& addresses);

// Splits "host:port" / "[v6]:port" into host and port. InvalidArgument otherwise.
absl::Status SplitHostPort(std::string_view address, std::string* host, int* port);

}  // namespace charon::cache

#endif  // CHARON_CACHE_MEMCACHED_SERVERS_H_
