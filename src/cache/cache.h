// Cache: a best-effort byte cache keyed by strings, the contract Thanos' caching bucket and index
// cache are written against (in-memory LRU, memcached).
//
// A cache never fails its caller: a backend that is down, slow or refuses an item turns into a
// miss on Fetch and a dropped write on Store. Implementations log such failures (rate-limited) and
// count them in their metrics; callers never see an error and must always be able to fall back to
// the source of truth.
//
// Thread-safety: every method may be called concurrently from any thread.
#ifndef CHARON_CACHE_CACHE_H_
#define CHARON_CACHE_CACHE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace charon::cache {

// One key and its value.
using CacheItem = std::pair<std::string, std::string>;

class Cache {
 public:
  virtual ~Cache() = default;

  // Stores every item for `ttl` (ttl <= 0: the item is not stored). Remote backends enqueue the
  // writes and return at once; a write may be dropped (queue full, item too large, backend down),
  // so a later Fetch may miss even right after Store.
  virtual void Store(std::vector<CacheItem> items, absl::Duration ttl) = 0;

  // The hits among `keys`: a key that is absent, expired or could not be fetched in time is
  // simply not in the result. Never blocks much longer than the backend's configured timeout.
  virtual absl::flat_hash_map<std::string, std::string> Fetch(
      const std::vector<std::string>& keys) = 0;

  // The cache's name as it appears in the `name` label of its metrics ("caching-bucket").
  virtual std::string Name() const = 0;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_CACHE_H_
