// The cache keys of Thanos' index cache (pkg/store/cache/cache.go), byte for byte, so a Charon
// and a Thanos store sharing a memcached or redis hit each other's entries:
//
//   postings           P:<block ULID>:<h(name ":" value)>[:dss]
//   expanded postings  EP:<block ULID>:<h(matchers)>[:dss]
//   series             S:<block ULID>:<series ref, decimal>
//
// h is base64url without padding of BLAKE2b-256 (hashing keeps keys short and collision-free
// however long the label value or matcher set). The ":dss" suffix names the postings codec; the
// remote caches write it, Thanos' in-memory cache has none. `matchers` is ExpandedPostingsKey's.
#ifndef CHARON_CACHE_INDEX_CACHE_KEYS_H_
#define CHARON_CACHE_INDEX_CACHE_KEYS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tsdb/matcher.h"

namespace charon::cache {

std::string PostingsKey(std::string_view block, std::string_view name, std::string_view value,
                        std::string_view codec);
std::string ExpandedPostingsKey(std::string_view block, std::string_view matchers,
                                std::string_view codec);
std::string SeriesKey(std::string_view block, uint64_t ref);

// The matcher set as Thanos names it in an expanded postings key: the matchers sorted by (type,
// name, value), each in Prometheus' String() form, joined by ";".
std::string MatchersKey(std::span<const tsdb::Matcher> matchers);

}  // namespace charon::cache

#endif  // CHARON_CACHE_INDEX_CACHE_KEYS_H_
