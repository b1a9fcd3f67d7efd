#include "cache/remote_cache.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cache/memcached_client.h"
#include "cache/redis_client.h"

namespace charon::cache {
namespace {

absl::Status Prefixed(std::string_view source, const absl::Status& s) {
  if (s.ok() || absl::StartsWith(s.message(), base::Absl(source))) return s;
  return absl::Status(s.code(), absl::StrCat(base::Absl(source), ": ", s.message()));
}

template <typename Client>
absl::StatusOr<std::unique_ptr<Cache>> Wrap(std::string_view source, const std::string& name,
                                            absl::StatusOr<std::unique_ptr<Client>> client,
                                            prometheus::Registry& registry) {
  if (!client.ok()) return Prefixed(source, client.status());
  return std::unique_ptr<Cache>(
      std::make_unique<RemoteCache>(name, std::move(client).value(), registry));
}

}  // namespace

RemoteCache::RemoteCache(std::string name, std::unique_ptr<RemoteClient> client,
                         prometheus::Registry& registry)
    : name_(std::move(name)),
      client_(std::move(client)),
      requests_(prometheus::BuildCounter()
                    .Name(absl::StrCat("thanos_cache_", base::Absl(client_->Backend()),
                                       "_requests_total"))
                    .Help(absl::StrCat("Total number of items requests to ",
                                       base::Absl(client_->Backend()), "."))
                    .Register(registry)
                    .Add({{"name", name_}})),
      hits_(prometheus::BuildCounter()
                .Name(absl::StrCat("thanos_cache_", base::Absl(client_->Backend()), "_hits_total"))
                .Help("Total number of items requests to the cache that were a hit.")
                .Register(registry)
                .Add({{"name", name_}})) {}

void RemoteCache::Store(std::vector<CacheItem> items, absl::Duration ttl) {
  for (CacheItem& item : items) {
    client_->SetAsync(std::move(item.first), std::move(item.second), ttl);
  }
}

absl::flat_hash_map<std::string, std::string> RemoteCache::Fetch(
    const std::vector<std::string>& keys) {
  requests_.Increment(static_cast<double>(keys.size()));
  absl::flat_hash_map<std::string, std::string> hits = client_->GetMulti(keys);
  hits_.Increment(static_cast<double>(hits.size()));
  return hits;
}

absl::StatusOr<std::unique_ptr<Cache>> NewRemoteCache(std::string_view type,
                                                      const config::YamlMap& backend,
                                                      std::string_view source,
                                                      const std::string& name,
                                                      prometheus::Registry& registry) {
  if (type == "MEMCACHED") {
    CHARON_ASSIGN_OR_RETURN(MemcachedClientConfig mc, ParseMemcachedClientConfig(backend));
    return Wrap(source, name, MemcachedClient::Create(name, std::move(mc), registry), registry);
  }
  if (type == "REDIS") {
    CHARON_ASSIGN_OR_RETURN(RedisClientConfig rc, ParseRedisClientConfig(backend));
    return Wrap(source, name, RedisClient::Create(name, std::move(rc), registry), registry);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(base::Absl(source), ": \"", base::Absl(type),
                   "\" is not a remote cache type (MEMCACHED, REDIS)"));
}

}  // namespace charon::cache
