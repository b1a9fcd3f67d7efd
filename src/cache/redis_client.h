// RedisClient: a client of one redis node, over plain TCP or TLS (RedisConnection; tls_enabled
// and tls_config as in Thanos), with the commands Thanos' redis client
// sends, so Charon and Thanos stores can share a redis: values stored raw with `SET key value EX
// <ttl seconds>`, read with `MGET` in batches of get_multi_batch_size keys (pipelined on one
// connection). Every key is sent as `prefix + key`.
//
// A connection authenticates (AUTH [username] password) and selects `db` when it is opened; up to
// pool_size idle connections are kept, and a connection that saw any error is closed rather than
// reused. Connecting waits at most dial_timeout and every read or write read_timeout /
// write_timeout, so a redis that is stopped (SIGSTOP) or unreachable costs a bounded wait.
//
// Failures never reach the caller: GetMulti returns what it could read (misses otherwise) and
// SetAsync drops what it cannot queue or write; each failure is counted and logged (rate-limited).
//
// Metrics (label `name`): thanos_redis_operation_duration_seconds{operation} (successful
// operations; getmulti, set), thanos_redis_operation_failures_total{operation,reason}
// (reason: network-error, timeout, server-error), thanos_redis_operation_skipped_total{
// operation,reason} (async-buffer-full).
//
// Thread-safety: thread-safe. The destructor stops the writers (queued writes are dropped).
#ifndef CHARON_CACHE_REDIS_CLIENT_H_
#define CHARON_CACHE_REDIS_CLIENT_H_

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cache/redis_client_config.h"
#include "cache/remote_client.h"

namespace charon::cache {

class RedisClient final : public RemoteClient {
 public:
  // InvalidArgument for an addr that is not host:port. Does not connect: a redis that is down
  // at start-up is a miss until it comes up.
  static absl::StatusOr<std::unique_ptr<RedisClient>> Create(std::string name,
                                                             RedisClientConfig config,
                                                             prometheus::Registry& registry);
  ~RedisClient() override;

  // The hits among `keys`.
  absl::flat_hash_map<std::string, std::string> GetMulti(
      const std::vector<std::string>& keys) override;

  // Queues a write of `value` under `key` for `ttl` (rounded up to whole seconds). Dropped when
  // the queue is full or ttl <= 0.
  void SetAsync(std::string key, std::string value, absl::Duration ttl) override;

  // Waits until every queued write has been attempted, or `timeout` passed; true when done.
  bool WaitForPendingWrites(absl::Duration timeout) override;

  std::string_view Backend() const override { return "redis"; }

 private:
  class Impl;
  explicit RedisClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_REDIS_CLIENT_H_
