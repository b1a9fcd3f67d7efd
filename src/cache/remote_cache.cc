#include "cache/remote_cache.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cache/memcached_cache.h"
#include "cache/memcached_client.h"
#include "cache/redis_cache.h"
#include "cache/redis_client.h"

namespace charon::cache {
namespace {

absl::Status Prefixed(std::string_view source, const absl::Status& s) {
  if (s.ok() || absl::StartsWith(s.message(), base::Absl(source))) return s;
  return absl::Status(s.code(), absl::StrCat(base::Absl(source), ": ", s.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Cache>> NewRemoteCache(std::string_view type,
                                                      const config::YamlMap& backend,
                                                      std::string_view source,
                                                      const std::string& name,
                                                      prometheus::Registry& registry) {
  if (type == "MEMCACHED") {
    CHARON_ASSIGN_OR_RETURN(MemcachedClientConfig mc, ParseMemcachedClientConfig(backend));
    absl::StatusOr<std::unique_ptr<MemcachedClient>> client =
        MemcachedClient::Create(name, std::move(mc), registry);
    if (!client.ok()) return Prefixed(source, client.status());
    return std::unique_ptr<Cache>(
        std::make_unique<MemcachedCache>(name, std::move(client).value(), registry));
  }
  if (type == "REDIS") {
    CHARON_ASSIGN_OR_RETURN(RedisClientConfig rc, ParseRedisClientConfig(backend));
    absl::StatusOr<std::unique_ptr<RedisClient>> client =
        RedisClient::Create(name, std::move(rc), registry);
    if (!client.ok()) return Prefixed(source, client.status());
    return std::unique_ptr<Cache>(
        std::make_unique<RedisCache>(name, std::move(client).value(), registry));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(base::Absl(source), ": \"", base::Absl(type),
                   "\" is not a remote cache type (MEMCACHED, REDIS)"));
}

}  // namespace charon::cache
