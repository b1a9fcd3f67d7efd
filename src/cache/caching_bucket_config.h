// The caching-bucket YAML of `--store.caching-bucket.config[-file]`, as Thanos reads it:
//
//   type: MEMCACHED            # or IN-MEMORY, REDIS; case-insensitive
//   config:                    # the backend's map (memcached_client_config.h, lru_cache.h,
//                              # redis_client_config.h)
//     addresses: [memcached:11211]
//   chunk_subrange_size: 16000
//   max_chunks_get_range_requests: 3
//   metafile_max_size: 1MiB
//   chunk_object_attrs_ttl: 24h
//   chunk_subrange_ttl: 24h
//   blocks_iter_ttl: 5m
//   metafile_exists_ttl: 2h
//   metafile_doesnt_exist_ttl: 15m
//   metafile_content_ttl: 24h
//
// The top level is strict (an unknown key is an error); the backend's `config` map is read
// leniently, as Thanos does (unknown keys are logged).
#ifndef CHARON_CACHE_CACHING_BUCKET_CONFIG_H_
#define CHARON_CACHE_CACHING_BUCKET_CONFIG_H_

#include <prometheus/registry.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cache/cache.h"
#include "cache/caching_bucket.h"
#include "objstore/bucket.h"

namespace charon::cache {

// The name of the caching bucket's cache in the `name` label of backend metrics.
inline constexpr char kCachingBucketCacheName[] = "caching-bucket";

struct CachingBucketConfig {
  std::string type;    // upper-cased: IN-MEMORY, MEMCACHED or REDIS
  YAML::Node backend;  // the `config` map (may be null)
  CachingBucketOptions options;
};

// `source` (a file name or "--store.caching-bucket.config") starts every error message.
// InvalidArgument: malformed YAML, an unknown top-level key, a missing or unknown type, a
// malformed value, chunk_subrange_size <= 0. Unimplemented: type GROUPCACHE (named).
absl::StatusOr<CachingBucketConfig> ParseCachingBucketConfig(std::string_view content,
                                                             std::string_view source);

// The cache `config` describes, its metrics in `registry` with name="caching-bucket". Errors as
// ParseLruCacheConfig / NewRemoteCache, prefixed by `source`.
absl::StatusOr<std::unique_ptr<Cache>> NewCachingBucketCache(const CachingBucketConfig& config,
                                                             std::string_view source,
                                                             prometheus::Registry& registry);

// Parses `content`, builds its cache and wraps `inner`. `iter_config_hash` keys root listings
// (see IterConfigHash). Errors as the two functions above.
absl::StatusOr<std::unique_ptr<CachingBucket>> NewCachingBucketFromYaml(
    std::string_view content, std::string_view source, std::shared_ptr<objstore::Bucket> inner,
    std::string iter_config_hash, prometheus::Registry& registry);

// Decimal xxhash64 of `config_content` followed by `config_path`: what Thanos appends to Iter
// cache keys so that stores of different buckets can share one cache. Thanos hashes the object
// store configuration (its YAML and the file it came from).
std::string IterConfigHash(std::string_view config_content, std::string_view config_path);

}  // namespace charon::cache

#endif  // CHARON_CACHE_CACHING_BUCKET_CONFIG_H_
