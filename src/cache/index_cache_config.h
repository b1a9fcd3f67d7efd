// The index-cache YAML of `--index-cache.config[-file]`, as Thanos reads it:
//
//   type: MEMCACHED        # IN-MEMORY, MEMCACHED or REDIS; case-insensitive
//   config:                # the backend's map (lru_cache.h: max_size, max_item_size;
//     addresses: [...]     #   memcached_client_config.h; redis_client_config.h)
//   enabled_items: []      # subset of Postings, ExpandedPostings, Series; empty = all
//   ttl: 24h               # remote backends; 0 = 24h
//
// The top level is strict; the backend's map is read leniently, as Thanos does. Without a YAML
// the index cache is in memory, of --index-cache-size bytes (NewDefaultIndexCache).
#ifndef CHARON_CACHE_INDEX_CACHE_CONFIG_H_
#define CHARON_CACHE_INDEX_CACHE_CONFIG_H_

#include <prometheus/registry.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cache/index_cache.h"
#include "cache/index_item_type.h"

namespace charon::cache {

// The name of the index cache in the `name` label of its backend client's metrics.
inline constexpr char kIndexCacheName[] = "index-cache";

struct IndexCacheConfig {
  std::string type;    // upper-cased: IN-MEMORY, MEMCACHED or REDIS
  YAML::Node backend;  // the `config` map (may be null)
  std::array<bool, kIndexItemTypes> enabled = {true, true, true};
  absl::Duration ttl = absl::Hours(24);
};

// `source` (a file name or "--index-cache.config") starts every error message. InvalidArgument:
// malformed YAML, an unknown top-level key, a missing or unknown type, an unknown enabled_items
// entry, a negative ttl.
absl::StatusOr<IndexCacheConfig> ParseIndexCacheConfig(std::string_view content,
                                                       std::string_view source);

// The index cache `config` describes, its metrics in `registry`. Errors as the backend's config
// reader and client (redis_client_config.h, memcached_client_config.h), prefixed by `source`.
absl::StatusOr<std::unique_ptr<IndexCache>> NewIndexCache(const IndexCacheConfig& config,
                                                          std::string_view source,
                                                          prometheus::Registry& registry);

// The default: in memory, `max_size` bytes (--index-cache-size), items up to 125 MiB (or
// max_size when smaller; Thanos refuses to start there). InvalidArgument for a negative size.
absl::StatusOr<std::unique_ptr<IndexCache>> NewDefaultIndexCache(int64_t max_size,
                                                                 prometheus::Registry& registry);

}  // namespace charon::cache

#endif  // CHARON_CACHE_INDEX_CACHE_CONFIG_H_
