#include "cache/redis_cache.h"

#include <utility>

namespace charon::cache {

RedisCache::RedisCache(std::string name, std::unique_ptr<RedisClient> client,
                       prometheus::Registry& registry)
    : name_(std::move(name)),
      client_(std::move(client)),
      requests_(prometheus::BuildCounter()
                    .Name("thanos_cache_redis_requests_total")
                    .Help("Total number of items requests to redis.")
                    .Register(registry)
                    .Add({{"name", name_}})),
      hits_(prometheus::BuildCounter()
                .Name("thanos_cache_redis_hits_total")
                .Help("Total number of items requests to the cache that were a hit.")
                .Register(registry)
                .Add({{"name", name_}})) {}

void RedisCache::Store(std::vector<CacheItem> items, absl::Duration ttl) {
  for (CacheItem& item : items) {
    client_->SetAsync(std::move(item.first), std::move(item.second), ttl);
  }
}

absl::flat_hash_map<std::string, std::string> RedisCache::Fetch(
    const std::vector<std::string>& keys) {
  requests_.Increment(static_cast<double>(keys.size()));
  absl::flat_hash_map<std::string, std::string> hits = client_->GetMulti(keys);
  hits_.Increment(static_cast<double>(hits.size()));
  return hits;
}

}  // namespace charon::cache
