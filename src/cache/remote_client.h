// RemoteClient: what a Cache needs from the client of a remote cache server (MemcachedClient,
// RedisClient), so one RemoteCache serves every backend.
//
// Thread-safety: implementations are thread-safe.
#ifndef CHARON_CACHE_REMOTE_CLIENT_H_
#define CHARON_CACHE_REMOTE_CLIENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace charon::cache {

class RemoteClient {
 public:
  virtual ~RemoteClient() = default;

  // The hits among `keys`; a failure is a miss, counted and logged by the client.
  virtual absl::flat_hash_map<std::string, std::string> GetMulti(
      const std::vector<std::string>& keys) = 0;

  // Queues a write of `value` under `key` for `ttl`; dropped (and counted) when it cannot be
  // queued or ttl <= 0.
  virtual void SetAsync(std::string key, std::string value, absl::Duration ttl) = 0;

  // Waits until every queued write has been attempted, or `timeout` passed; true when done.
  virtual bool WaitForPendingWrites(absl::Duration timeout) = 0;

  // The backend as Thanos spells it in metric names: "memcached", "redis".
  virtual std::string_view Backend() const = 0;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_REMOTE_CLIENT_H_
