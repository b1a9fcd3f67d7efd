// The redis backend of the remote-cache conformance suites (cache_conformance_remote.h), over
// plain TCP or TLS: how to start its server, make a client and write its `config:` map.
#ifndef CHARON_CACHE_REDIS_CACHE_BACKEND_H_
#define CHARON_CACHE_REDIS_CACHE_BACKEND_H_

#include <prometheus/registry.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cache/cache_conformance_remote.h"
#include "cache/redis_client.h"
#include "config/tls_config.h"
#include "testing/redis_server.h"

namespace charon::cache {

// A server serving TLS with `server`'s files and clients dialing it with `client`.
struct RedisBackendTls {
  testing::RedisTlsFiles server{};
  config::TlsConfig client{};
};

// A client config for `addr` with 200 ms timeouts, TLS as `tls` says when set.
inline RedisClientConfig RedisTestClientConfig(const std::string& addr,
                                               const std::optional<config::TlsConfig>& tls = {}) {
  RedisClientConfig c;
  c.addr = addr;
  c.dial_timeout = absl::Milliseconds(200);
  c.read_timeout = absl::Milliseconds(200);
  c.write_timeout = absl::Milliseconds(200);
  if (tls.has_value()) {
    c.tls_enabled = true;
    c.tls_config = *tls;
  }
  return c;
}

// `tls_enabled: true` and the `tls_config` map for `tls`, as lines of a `config:` map.
inline std::string RedisTlsYaml(const config::TlsConfig& tls) {
  std::string map;
  auto add = [&](const char* key, const std::string& v) {
    if (!v.empty()) absl::StrAppend(&map, map.empty() ? "" : ", ", key, ": '", v, "'");
  };
  add("ca_file", tls.ca_file);
  add("cert_file", tls.cert_file);
  add("key_file", tls.key_file);
  add("server_name", tls.server_name);
  if (tls.insecure_skip_verify)
    absl::StrAppend(&map, map.empty() ? "" : ", ", "insecure_skip_verify: true");
  return absl::StrCat("  tls_enabled: true\n  tls_config: {", map, "}\n");
}

inline RemoteCacheBackend RedisBackend(std::string name, std::optional<RedisBackendTls> tls = {}) {
  RemoteCacheBackend b;
  b.name = std::move(name);
  b.type = "REDIS";
  b.start = [tls]() -> absl::StatusOr<std::unique_ptr<testing::CacheServer>> {
    absl::StatusOr<std::unique_ptr<testing::RedisServer>> s =
        tls.has_value() ? testing::RedisServer::StartTls(tls->server)
                        : testing::RedisServer::Start();
    if (!s.ok()) return s.status();
    return std::unique_ptr<testing::CacheServer>(std::move(s).value());
  };
  std::optional<config::TlsConfig> client_tls;
  if (tls.has_value()) client_tls = tls->client;
  b.client = [client_tls](
                 const RemoteClientOptions& o,
                 prometheus::Registry& reg) -> absl::StatusOr<std::unique_ptr<RemoteClient>> {
    RedisClientConfig cfg = RedisTestClientConfig(o.address, client_tls);
    cfg.dial_timeout = cfg.read_timeout = cfg.write_timeout = o.timeout;
    if (o.max_async_buffer_size > 0) cfg.max_async_buffer_size = o.max_async_buffer_size;
    if (o.max_async_concurrency > 0) cfg.max_async_concurrency = o.max_async_concurrency;
    if (o.get_multi_batch_size > 0) cfg.get_multi_batch_size = o.get_multi_batch_size;
    absl::StatusOr<std::unique_ptr<RedisClient>> c = RedisClient::Create("test", cfg, reg);
    if (!c.ok()) return c.status();
    return std::unique_ptr<RemoteClient>(std::move(c).value());
  };
  b.config_yaml = [client_tls](const std::string& address) {
    return absl::StrCat("  addr: ", address,
                        "\n  read_timeout: 1s\n  dial_timeout: 1s\n  write_timeout: 1s\n",
                        client_tls.has_value() ? RedisTlsYaml(*client_tls) : "");
  };
  return b;
}

}  // namespace charon::cache

#endif  // CHARON_CACHE_REDIS_CACHE_BACKEND_H_
