#include "cache/redis_client_config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cache/config_keys.h"

namespace charon::cache {
namespace {

absl::Status Unimplemented(const config::YamlMap& m, const std::string& key,
                           std::string_view what) {
  return absl::UnimplementedError(absl::StrCat(m.source(), ": ", m.KeyPath(key), ": ",
                                               base::Absl(what), " is not implemented in Charon"));
}

}  // namespace

absl::StatusOr<RedisClientConfig> ParseRedisClientConfig(const config::YamlMap& m) {
  WarnUnknownKeys(m, {"addr",
                      "username",
                      "password",
                      "db",
                      "dial_timeout",
                      "read_timeout",
                      "write_timeout",
                      "pool_size",
                      "min_idle_conns",
                      "idle_timeout",
                      "max_conn_age",
                      "max_get_multi_concurrency",
                      "get_multi_batch_size",
                      "max_set_multi_concurrency",
                      "set_multi_batch_size",
                      "tls_enabled",
                      "tls_config",
                      "cache_size",
                      "master_name",
                      "max_async_buffer_size",
                      "max_async_concurrency",
                      "set_async_circuit_breaker_config",
                      "prefix"});
  RedisClientConfig c;
  CHARON_RETURN_IF_ERROR(m.String("addr", &c.addr));
  CHARON_RETURN_IF_ERROR(m.String("username", &c.username));
  CHARON_RETURN_IF_ERROR(m.String("password", &c.password));
  CHARON_RETURN_IF_ERROR(m.Int("db", &c.db));
  CHARON_RETURN_IF_ERROR(m.Duration("dial_timeout", &c.dial_timeout));
  CHARON_RETURN_IF_ERROR(m.Duration("read_timeout", &c.read_timeout));
  CHARON_RETURN_IF_ERROR(m.Duration("write_timeout", &c.write_timeout));
  CHARON_RETURN_IF_ERROR(m.Int("pool_size", &c.pool_size));
  CHARON_RETURN_IF_ERROR(m.Int("get_multi_batch_size", &c.get_multi_batch_size));
  CHARON_RETURN_IF_ERROR(m.Int("set_multi_batch_size", &c.set_multi_batch_size));
  CHARON_RETURN_IF_ERROR(m.Int("max_async_concurrency", &c.max_async_concurrency));
  CHARON_RETURN_IF_ERROR(m.Int("max_async_buffer_size", &c.max_async_buffer_size));
  CHARON_RETURN_IF_ERROR(m.String("prefix", &c.prefix));
  // Validated for their syntax only.
  int64_t ignored_int = 0;
  absl::Duration ignored_duration;
  CHARON_RETURN_IF_ERROR(m.Int("min_idle_conns", &ignored_int));
  CHARON_RETURN_IF_ERROR(m.Int("max_get_multi_concurrency", &ignored_int));
  CHARON_RETURN_IF_ERROR(m.Int("max_set_multi_concurrency", &ignored_int));
  CHARON_RETURN_IF_ERROR(m.Duration("idle_timeout", &ignored_duration));
  CHARON_RETURN_IF_ERROR(m.Duration("max_conn_age", &ignored_duration));
  int64_t cache_size = 0;
  CHARON_RETURN_IF_ERROR(m.ByteSize("cache_size", &cache_size));
  CHARON_RETURN_IF_ERROR(m.Bool("tls_enabled", &c.tls_enabled));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap tls, m.Map("tls_config"));
  if (c.tls_enabled) {
    WarnUnknownKeys(tls, config::TlsConfigKeys());
    CHARON_ASSIGN_OR_RETURN(c.tls_config, config::ParseTlsConfig(tls));
  }
  std::string master_name;
  CHARON_RETURN_IF_ERROR(m.String("master_name", &master_name));

  if (c.addr.empty()) return config::ConfigError(m.source(), "no redis addr provided");
  if (absl::StrContains(c.addr, ",")) {
    return Unimplemented(m, "addr", "redis cluster (several addresses)");
  }
  if (!master_name.empty()) return Unimplemented(m, "master_name", "redis sentinel");
  if (c.db < 0) return m.KeyError("db", "must not be negative");
  if (c.max_async_concurrency <= 0) return m.KeyError("max_async_concurrency", "must be positive");
  if (c.max_async_buffer_size < 0) {
    return m.KeyError("max_async_buffer_size", "must not be negative");
  }
  if (c.dial_timeout <= absl::ZeroDuration()) c.dial_timeout = absl::Seconds(5);
  if (c.read_timeout <= absl::ZeroDuration()) c.read_timeout = absl::Seconds(3);
  if (c.write_timeout <= absl::ZeroDuration()) c.write_timeout = absl::Seconds(3);
  if (c.pool_size <= 0) c.pool_size = 100;
  if (cache_size > 0) {
    base::LogWarn("redis client-side caching (cache_size) is not implemented in Charon; ignored",
                  {{"config", m.source()}});
  }
  return c;
}

}  // namespace charon::cache
