// RemoteCache: the Cache contract over a RemoteClient (`type: MEMCACHED` or `REDIS`). Store
// queues asynchronous writes; Fetch is one GetMulti. Counts, as Thanos does per backend,
// thanos_cache_<backend>_requests_total and thanos_cache_<backend>_hits_total (per key, label
// `name`), e.g. thanos_cache_memcached_hits_total{name="caching-bucket"}.
//
// NewRemoteCache builds one from a backend's `config` map, for every cache user (caching
// bucket, index cache): MEMCACHED (memcached_client_config.h) or REDIS (redis_client_config.h).
//
// Thread-safety: thread-safe.
#ifndef CHARON_CACHE_REMOTE_CACHE_H_
#define CHARON_CACHE_REMOTE_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cache/cache.h"
#include "cache/remote_client.h"
#include "config/yaml_fields.h"

namespace charon::cache {

class RemoteCache final : public Cache {
 public:
  RemoteCache(std::string name, std::unique_ptr<RemoteClient> client,
              prometheus::Registry& registry);

  void Store(std::vector<CacheItem> items, absl::Duration ttl) override;
  absl::flat_hash_map<std::string, std::string> Fetch(
      const std::vector<std::string>& keys) override;
  std::string Name() const override { return name_; }

  RemoteClient& client() { return *client_; }

 private:
  const std::string name_;
  std::unique_ptr<RemoteClient> client_;
  prometheus::Counter& requests_;
  prometheus::Counter& hits_;
};

// `type` is upper-cased MEMCACHED or REDIS; metrics carry name=`name`. Errors as the backend's
// config reader and client, prefixed by `source`; InvalidArgument for another type.
absl::StatusOr<std::unique_ptr<Cache>> NewRemoteCache(std::string_view type,
                                                      const config::YamlMap& backend,
                                                      std::string_view source,
                                                      const std::string& name,
                                                      prometheus::Registry& registry);

}  // namespace charon::cache

#endif  // CHARON_CACHE_REMOTE_CACHE_H_
