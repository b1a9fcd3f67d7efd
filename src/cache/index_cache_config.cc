#include "cache/index_cache_config.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "cache/inmemory_index_cache.h"
#include "cache/lru_cache.h"
#include "cache/remote_cache.h"
#include "config/yaml_fields.h"

namespace charon::cache {

absl::StatusOr<IndexCacheConfig> ParseIndexCacheConfig(std::string_view content,
                                                       std::string_view source) {
  CHARON_ASSIGN_OR_RETURN(YAML::Node root, config::ParseYaml(content, source));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap m, config::YamlMap::Of(root, "", std::string(source)));
  CHARON_RETURN_IF_ERROR(m.AllowOnly({"type", "config", "enabled_items", "ttl"}));
  IndexCacheConfig c;
  CHARON_RETURN_IF_ERROR(m.String("type", &c.type));
  c.type = absl::AsciiStrToUpper(c.type);
  std::vector<std::string> items;
  CHARON_RETURN_IF_ERROR(m.StringList("enabled_items", &items));
  CHARON_RETURN_IF_ERROR(m.Duration("ttl", &c.ttl));
  if (c.type.empty()) return m.KeyError("type", "is required (IN-MEMORY, MEMCACHED, REDIS)");
  if (c.type != "IN-MEMORY" && c.type != "MEMCACHED" && c.type != "REDIS") {
    return m.KeyError("type", absl::StrCat("\"", c.type,
                                           "\" is not a supported index cache type (IN-MEMORY, "
                                           "MEMCACHED, REDIS)"));
  }
  if (!items.empty()) {
    c.enabled = {false, false, false};
    for (const std::string& item : items) {
      auto it = std::find_if(kAllIndexItemTypes.begin(), kAllIndexItemTypes.end(),
                             [&](IndexItemType t) { return IndexItemTypeName(t) == item; });
      if (it == kAllIndexItemTypes.end()) {
        return m.KeyError("enabled_items",
                          absl::StrCat("has an unsupported item type \"", item, "\"",
                                       " (Postings, ExpandedPostings, Series)"));
      }
      c.enabled[static_cast<int>(*it)] = true;
    }
  }
  if (c.ttl < absl::ZeroDuration()) return m.KeyError("ttl", "must not be negative");
  if (c.ttl == absl::ZeroDuration()) c.ttl = absl::Hours(24);
  if (m.Has("config")) c.backend = m.node()["config"];
  return c;
}

absl::StatusOr<std::unique_ptr<IndexCache>> NewIndexCache(const IndexCacheConfig& config,
                                                          std::string_view source,
                                                          prometheus::Registry& registry) {
  CHARON_ASSIGN_OR_RETURN(config::YamlMap backend,
                          config::YamlMap::Of(config.backend, "config", std::string(source)));
  IndexCacheOptions options;
  options.enabled = config.enabled;
  options.ttl = config.ttl;
  std::unique_ptr<Cache> cache;
  if (config.type == "IN-MEMORY") {
    CHARON_ASSIGN_OR_RETURN(LruCacheConfig lru, ParseLruCacheConfig(backend));
    absl::StatusOr<std::unique_ptr<InMemoryIndexCache>> c =
        InMemoryIndexCache::Create(lru, registry);
    if (!c.ok()) {
      return absl::Status(c.status().code(),
                          absl::StrCat(base::Absl(source), ": ", c.status().message()));
    }
    cache = std::move(c).value();
  } else {
    CHARON_ASSIGN_OR_RETURN(
        cache, NewRemoteCache(config.type, backend, source, kIndexCacheName, registry));
    // What Thanos writes to memcached and redis (its in-memory cache has no suffix).
    options.codec_suffix = "dss";
  }
  base::LogInfo("created index cache", {{"type", config.type}});
  return std::make_unique<IndexCache>(std::move(cache), std::move(options), registry);
}

absl::StatusOr<std::unique_ptr<IndexCache>> NewDefaultIndexCache(int64_t max_size,
                                                                 prometheus::Registry& registry) {
  if (max_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--index-cache-size must not be negative (got ", max_size, ")"));
  }
  LruCacheConfig lru;
  lru.max_size = max_size;
  lru.max_item_size = std::min(lru.max_item_size, max_size);
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<InMemoryIndexCache> c,
                          InMemoryIndexCache::Create(lru, registry));
  return std::make_unique<IndexCache>(std::move(c), IndexCacheOptions{}, registry);
}

}  // namespace charon::cache
