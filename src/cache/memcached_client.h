// MemcachedClient: Thanos' memcached client over libmemcached (text protocol, values stored raw
// with flags 0, as gomemcache does), so Charon and Thanos stores can share memcached servers.
//
// Keys are spread over the servers as memcached_servers.h describes (natural order, jump hash).
// Each server has a pool of up to max_idle_connections idle connections; a connection that saw an
// error is closed rather than reused.
//
// Failures never reach the caller: GetMulti returns what it could read (a server that refuses
// connections, or accepts them but does not answer within `timeout`, is a miss for its keys) and
// SetAsync drops what it cannot write. Each failure is counted and logged (rate-limited).
// libmemcached runs non-blocking with connect and poll timeouts equal to `timeout`, so no call
// waits on a dead or stopped server much longer than that.
//
// Metrics, with Thanos' names and labels (`name` is the client's name, e.g. "caching-bucket"):
//   thanos_memcached_operations_total{name,operation}              operation: getmulti, set
//   thanos_memcached_operation_failures_total{name,operation,reason}
//       reason: timeout, network-error, malformed-key, server-error, other
//   thanos_memcached_operation_skipped_total{name,operation,reason} max-item-size,
//   async-buffer-full thanos_memcached_operation_duration_seconds{name,operation}    (successful
//   operations) thanos_memcached_operation_data_size_bytes{name,operation}
//   thanos_memcached_client_info{name,<config>} = 1
//
// Thread-safety: thread-safe. The destructor stops the writers (queued writes are dropped) and
// the DNS refresh.
#ifndef CHARON_CACHE_MEMCACHED_CLIENT_H_
#define CHARON_CACHE_MEMCACHED_CLIENT_H_

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cache/memcached_client_config.h"
#include "cache/remote_client.h"

namespace charon::cache {

class MemcachedClient final : public RemoteClient {
 public:
  // Resolves the addresses once. InvalidArgument for a malformed address, Unimplemented for
  // dnssrv+ addresses, Unavailable when no server address resolves. Does not connect: servers
  // that are down at start-up are misses until they come up.
  static absl::StatusOr<std::unique_ptr<MemcachedClient>> Create(std::string name,
                                                                 MemcachedClientConfig config,
                                                                 prometheus::Registry& registry);
  ~MemcachedClient() override;

  // The hits among `keys`. Keys memcached cannot take (longer than 250 bytes, with spaces or
  // control characters) are misses and counted as malformed-key failures.
  absl::flat_hash_map<std::string, std::string> GetMulti(
      const std::vector<std::string>& keys) override;

  // Queues a write of `value` under `key` for `ttl` (rounded up to whole seconds). Dropped and
  // counted when larger than max_item_size, when the queue is full, or when ttl <= 0.
  void SetAsync(std::string key, std::string value, absl::Duration ttl) override;

  // Waits until every queued write has been attempted, or `timeout` passed; true when done.
  bool WaitForPendingWrites(absl::Duration timeout) override;

  std::string_view Backend() const override { return "memcached"; }

  // The servers in use now ("ip:port"), in selection order.
  std::vector<std::string> Servers() const;

 private:
  class Impl;
  explicit MemcachedClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_MEMCACHED_CLIENT_H_
