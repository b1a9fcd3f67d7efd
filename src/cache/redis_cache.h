// RedisCache: the Cache contract over a RedisClient (`type: REDIS`). Store queues asynchronous
// writes; Fetch is one pipelined round of MGETs. Counts thanos_cache_redis_requests_total and
// thanos_cache_redis_hits_total (per key, label `name`) as Thanos does.
//
// Thread-safety: thread-safe.
#ifndef CHARON_CACHE_REDIS_CACHE_H_
#define CHARON_CACHE_REDIS_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "cache/cache.h"
#include "cache/redis_client.h"

namespace charon::cache {

class RedisCache final : public Cache {
 public:
  RedisCache(std::string name, std::unique_ptr<RedisClient> client, prometheus::Registry& registry);

  void Store(std::vector<CacheItem> items, absl::Duration ttl) override;
  absl::flat_hash_map<std::string, std::string> Fetch(
      const std::vector<std::string>& keys) override;
  std::string Name() const override { return name_; }

  RedisClient& client() { return *client_; }

 private:
  const std::string name_;
  std::unique_ptr<RedisClient> client_;
  prometheus::Counter& requests_;
  prometheus::Counter& hits_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_REDIS_CACHE_H_
