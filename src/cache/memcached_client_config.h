// The `config` map of a MEMCACHED cache: Thanos' memcached client keys and defaults.
#ifndef CHARON_CACHE_MEMCACHED_CLIENT_CONFIG_H_
#define CHARON_CACHE_MEMCACHED_CLIENT_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/yaml_fields.h"

namespace charon::cache {

// set_async_circuit_breaker_config: accepted and validated like Thanos; Charon does not run a
// breaker (writes to a failing memcached fail fast on their own, see MemcachedClient).
struct CircuitBreakerConfig {
  bool enabled = false;
  int64_t half_open_max_requests = 10;
  absl::Duration open_duration = absl::Seconds(5);
  int64_t min_requests = 50;
  int64_t consecutive_failures = 5;
  double failure_percent = 0.05;
};

struct MemcachedClientConfig {
  // "host:port", "dns+host:port" (every A/AAAA record, re-resolved every
  // dns_provider_update_interval) or "dnssrv+..." (not supported: Unimplemented).
  std::vector<std::string> addresses;
  absl::Duration timeout = absl::Milliseconds(500);  // connect and each read/write wait
  int max_idle_connections = 100;                    // per server
  int max_async_concurrency = 20;                    // writer threads
  int max_async_buffer_size = 10000;                 // queued writes; more are dropped
  int max_get_multi_concurrency = 100;               // concurrent reads (0 = unlimited)
  int max_get_multi_batch_size = 0;                  // keys per read request (0 = unlimited)
  int64_t max_item_size = 1024 * 1024;               // larger values are not stored (0 = any)
  absl::Duration dns_provider_update_interval = absl::Seconds(10);
  bool auto_discovery = false;  // true is Unimplemented
  CircuitBreakerConfig set_async_circuit_breaker;
};

// Reads the map (unknown keys are logged and ignored, as Thanos does) and validates it like Thanos:
// InvalidArgument for malformed values, no addresses ("no memcached addresses provided"), a
// non-positive dns_provider_update_interval or max_async_concurrency, or a bad circuit breaker
// config. Unimplemented for auto_discovery: true. Address prefixes are checked by the resolver.
absl::StatusOr<MemcachedClientConfig> ParseMemcachedClientConfig(const config::YamlMap& m);

}  // namespace charon::cache

#endif  // CHARON_CACHE_MEMCACHED_CLIENT_CONFIG_H_
