#include "cache/caching_bucket_config.h"

#include <xxhash.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/annotate.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cache/lru_cache.h"
#include "cache/remote_cache.h"
#include "config/yaml_fields.h"

namespace charon::cache {
namespace {

absl::Status Prefixed(std::string_view source, const absl::Status& s) {
  if (absl::StartsWith(s.message(), base::Absl(source))) return s;
  return base::Annotate(s, source);
}

}  // namespace

absl::StatusOr<CachingBucketConfig> ParseCachingBucketConfig(std::string_view content,
                                                             std::string_view source) {
  CHARON_ASSIGN_OR_RETURN(YAML::Node root, config::ParseYaml(content, source));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap m, config::YamlMap::Of(root, "", std::string(source)));
  CHARON_RETURN_IF_ERROR(m.AllowOnly(
      {"type", "config", "chunk_subrange_size", "max_chunks_get_range_requests",
       "metafile_max_size", "chunk_object_attrs_ttl", "chunk_subrange_ttl", "blocks_iter_ttl",
       "metafile_exists_ttl", "metafile_doesnt_exist_ttl", "metafile_content_ttl"}));
  CachingBucketConfig c;
  CHARON_RETURN_IF_ERROR(m.String("type", &c.type));
  c.type = absl::AsciiStrToUpper(c.type);
  CachingBucketOptions& o = c.options;
  CHARON_RETURN_IF_ERROR(m.Int("chunk_subrange_size", &o.chunk_subrange_size));
  CHARON_RETURN_IF_ERROR(m.Int("max_chunks_get_range_requests", &o.max_chunks_get_range_requests));
  CHARON_RETURN_IF_ERROR(m.ByteSize("metafile_max_size", &o.metafile_max_size));
  CHARON_RETURN_IF_ERROR(m.Duration("chunk_object_attrs_ttl", &o.chunk_object_attrs_ttl));
  CHARON_RETURN_IF_ERROR(m.Duration("chunk_subrange_ttl", &o.chunk_subrange_ttl));
  CHARON_RETURN_IF_ERROR(m.Duration("blocks_iter_ttl", &o.blocks_iter_ttl));
  CHARON_RETURN_IF_ERROR(m.Duration("metafile_exists_ttl", &o.metafile_exists_ttl));
  CHARON_RETURN_IF_ERROR(m.Duration("metafile_doesnt_exist_ttl", &o.metafile_doesnt_exist_ttl));
  CHARON_RETURN_IF_ERROR(m.Duration("metafile_content_ttl", &o.metafile_content_ttl));
  if (o.chunk_subrange_size <= 0) return m.KeyError("chunk_subrange_size", "must be positive");
  if (c.type == "GROUPCACHE") {
    return absl::UnimplementedError(
        absl::StrCat(base::Absl(source), ": caching bucket type ", c.type,
                     " is not implemented in Charon (supported: IN-MEMORY, MEMCACHED, REDIS)"));
  }
  if (c.type != "IN-MEMORY" && c.type != "MEMCACHED" && c.type != "REDIS") {
    return m.KeyError("type", absl::StrCat("\"", c.type,
                                           "\" is not a supported cache type (IN-MEMORY, "
                                           "MEMCACHED, REDIS)"));
  }
  if (m.Has("config")) c.backend = m.node()["config"];
  return c;
}

absl::StatusOr<std::unique_ptr<Cache>> NewCachingBucketCache(const CachingBucketConfig& config,
                                                             std::string_view source,
                                                             prometheus::Registry& registry) {
  CHARON_ASSIGN_OR_RETURN(config::YamlMap backend,
                          config::YamlMap::Of(config.backend, "config", std::string(source)));
  if (config.type == "IN-MEMORY") {
    CHARON_ASSIGN_OR_RETURN(LruCacheConfig lru, ParseLruCacheConfig(backend));
    absl::StatusOr<std::unique_ptr<LruCache>> c =
        LruCache::Create(kCachingBucketCacheName, lru, registry);
    if (!c.ok()) return Prefixed(source, c.status());
    return std::unique_ptr<Cache>(std::move(c).value());
  }
  return NewRemoteCache(config.type, backend, source, kCachingBucketCacheName, registry);
}

absl::StatusOr<std::unique_ptr<CachingBucket>> NewCachingBucketFromYaml(
    std::string_view content, std::string_view source, std::shared_ptr<objstore::Bucket> inner,
    std::string iter_config_hash, prometheus::Registry& registry) {
  CHARON_ASSIGN_OR_RETURN(CachingBucketConfig config, ParseCachingBucketConfig(content, source));
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<Cache> cache,
                          NewCachingBucketCache(config, source, registry));
  config.options.iter_config_hash = std::move(iter_config_hash);
  return std::make_unique<CachingBucket>(std::move(inner), std::move(cache),
                                         std::move(config.options), registry);
}

std::string IterConfigHash(std::string_view config_content, std::string_view config_path) {
  XXH64_state_t* state = XXH64_createState();
  XXH64_reset(state, 0);
  XXH64_update(state, config_content.data(), config_content.size());
  XXH64_update(state, config_path.data(), config_path.size());
  uint64_t h = XXH64_digest(state);
  XXH64_freeState(state);
  return std::to_string(h);
}

}  // namespace charon::cache
