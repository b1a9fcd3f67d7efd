// The `config` map of a REDIS cache: Thanos' redis client keys (pkg/cacheutil) and defaults.
#ifndef CHARON_CACHE_REDIS_CLIENT_CONFIG_H_
#define CHARON_CACHE_REDIS_CLIENT_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/tls_config.h"
#include "config/yaml_fields.h"

namespace charon::cache {

struct RedisClientConfig {
  std::string addr;  // "host:port" of one node (required)
  std::string username;
  std::string password;
  int db = 0;
  absl::Duration dial_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(3);
  absl::Duration write_timeout = absl::Seconds(3);
  int pool_size = 100;             // connections kept idle at most
  int get_multi_batch_size = 100;  // keys per MGET (0 = all in one)
  int set_multi_batch_size = 100;
  int max_async_concurrency = 20;     // writer threads
  int max_async_buffer_size = 10000;  // queued writes; more are dropped
  // Prepended to every key, so several users can share one database.
  std::string prefix;
  bool tls_enabled = false;
  config::TlsConfig tls_config;  // read only with tls_enabled
};

// Reads the map (unknown keys, in it and in tls_config, are logged and ignored, as Thanos does)
// and validates it. With `tls_enabled: true` the connections use TLS as `tls_config` says
// (ca_file, cert_file and key_file for mutual TLS, server_name, insecure_skip_verify; see
// TlsClientContext); without it tls_config is ignored, as in Thanos.
// InvalidArgument: malformed values, no addr ("no redis addr provided"), with TLS a cert_file
// without a key_file or the other way round. Unimplemented, naming the key: several addresses
// (cluster) and master_name (sentinel). Keys that only tune go-redis/rueidis internals
// (idle_timeout, max_conn_age, min_idle_conns, concurrency limits, cache_size, the circuit
// breaker) are accepted; cache_size > 0 is logged as not implemented.
absl::StatusOr<RedisClientConfig> ParseRedisClientConfig(const config::YamlMap& m);

}  // namespace charon::cache

#endif  // CHARON_CACHE_REDIS_CLIENT_CONFIG_H_
