// Builds the Cache of a remote backend from its `config` map, for every cache user (caching
// bucket, index cache): MEMCACHED (memcached_client_config.h) or REDIS (redis_client_config.h).
#ifndef CHARON_CACHE_REMOTE_CACHE_H_
#define CHARON_CACHE_REMOTE_CACHE_H_

#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cache/cache.h"
#include "config/yaml_fields.h"

namespace charon::cache {

// `type` is upper-cased MEMCACHED or REDIS; metrics carry name=`name`. Errors as the backend's
// config reader and client, prefixed by `source`; InvalidArgument for another type.
absl::StatusOr<std::unique_ptr<Cache>> NewRemoteCache(std::string_view type,
                                                      const config::YamlMap& backend,
                                                      std::string_view source,
                                                      const std::string& name,
                                                      prometheus::Registry& registry);

}  // namespace charon::cache

#endif  // CHARON_CACHE_REMOTE_CACHE_H_
