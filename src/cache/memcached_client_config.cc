#include "cache/memcached_client_config.h"

#include "base/status_macros.h"
#include "cache/config_keys.h"

namespace charon::cache {
namespace {

absl::Status ParseBreaker(const config::YamlMap& m, CircuitBreakerConfig* c) {
  WarnUnknownKeys(m, {"enabled", "half_open_max_requests", "open_duration", "min_requests",
                      "consecutive_failures", "failure_percent"});
  CHARON_RETURN_IF_ERROR(m.Bool("enabled", &c->enabled));
  CHARON_RETURN_IF_ERROR(m.Int("half_open_max_requests", &c->half_open_max_requests));
  CHARON_RETURN_IF_ERROR(m.Duration("open_duration", &c->open_duration));
  CHARON_RETURN_IF_ERROR(m.Int("min_requests", &c->min_requests));
  CHARON_RETURN_IF_ERROR(m.Int("consecutive_failures", &c->consecutive_failures));
  CHARON_RETURN_IF_ERROR(m.Double("failure_percent", &c->failure_percent));
  if (!c->enabled) return absl::OkStatus();
  if (c->half_open_max_requests <= 0) {
    return m.KeyError("half_open_max_requests", "must be positive");
  }
  if (c->open_duration <= absl::ZeroDuration()) {
    return m.KeyError("open_duration", "must be positive");
  }
  if (c->min_requests <= 0) return m.KeyError("min_requests", "must be positive");
  if (c->consecutive_failures <= 0) return m.KeyError("consecutive_failures", "must be positive");
  if (c->failure_percent <= 0 || c->failure_percent > 1) {
    return m.KeyError("failure_percent", "must be in (0, 1]");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MemcachedClientConfig> ParseMemcachedClientConfig(const config::YamlMap& m) {
  WarnUnknownKeys(m, {"addresses", "timeout", "max_idle_connections", "max_async_concurrency",
                      "max_async_buffer_size", "max_get_multi_concurrency", "max_item_size",
                      "max_get_multi_batch_size", "dns_provider_update_interval", "auto_discovery",
                      "set_async_circuit_breaker_config"});
  MemcachedClientConfig c;
  CHARON_RETURN_IF_ERROR(m.StringList("addresses", &c.addresses));
  CHARON_RETURN_IF_ERROR(m.Duration("timeout", &c.timeout));
  CHARON_RETURN_IF_ERROR(m.Int("max_idle_connections", &c.max_idle_connections));
  CHARON_RETURN_IF_ERROR(m.Int("max_async_concurrency", &c.max_async_concurrency));
  CHARON_RETURN_IF_ERROR(m.Int("max_async_buffer_size", &c.max_async_buffer_size));
  CHARON_RETURN_IF_ERROR(m.Int("max_get_multi_concurrency", &c.max_get_multi_concurrency));
  CHARON_RETURN_IF_ERROR(m.ByteSize("max_item_size", &c.max_item_size));
  CHARON_RETURN_IF_ERROR(m.Int("max_get_multi_batch_size", &c.max_get_multi_batch_size));
  CHARON_RETURN_IF_ERROR(
      m.Duration("dns_provider_update_interval", &c.dns_provider_update_interval));
  CHARON_RETURN_IF_ERROR(m.Bool("auto_discovery", &c.auto_discovery));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap breaker, m.Map("set_async_circuit_breaker_config"));
  CHARON_RETURN_IF_ERROR(ParseBreaker(breaker, &c.set_async_circuit_breaker));

  if (c.addresses.empty()) {
    return config::ConfigError(m.source(), "no memcached addresses provided");
  }
  if (c.dns_provider_update_interval <= absl::ZeroDuration()) {
    return m.KeyError("dns_provider_update_interval", "must be positive");
  }
  if (c.max_async_concurrency <= 0) return m.KeyError("max_async_concurrency", "must be positive");
  // gomemcache, which Thanos uses, reads 0 as its defaults: 500ms and 2 idle connections.
  if (c.timeout <= absl::ZeroDuration()) c.timeout = absl::Milliseconds(500);
  if (c.max_idle_connections <= 0) c.max_idle_connections = 2;
  if (c.max_async_buffer_size < 0)
    return m.KeyError("max_async_buffer_size", "must not be negative");
  if (c.auto_discovery) {
    return absl::UnimplementedError(m.source() + ": " + m.KeyPath("auto_discovery") +
                                    ": memcached auto-discovery (AWS ElastiCache config endpoint) "
                                    "is not implemented in Charon; "
                                    "list the nodes in addresses or use dns+ instead");
  }
  return c;
}

}  // namespace charon::cache
