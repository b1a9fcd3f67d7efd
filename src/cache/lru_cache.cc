#include "cache/lru_cache.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "cache/config_keys.h"

namespace charon::cache {
namespace {

prometheus::Counter* CounterOf(prometheus::Registry& r, const std::string& metric,
                               const std::string& help, const std::string& name) {
  return &prometheus::BuildCounter().Name(metric).Help(help).Register(r).Add({{"name", name}});
}

prometheus::Gauge* GaugeOf(prometheus::Registry& r, const std::string& metric,
                           const std::string& help, const std::string& name) {
  return &prometheus::BuildGauge().Name(metric).Help(help).Register(r).Add({{"name", name}});
}

}  // namespace

absl::StatusOr<LruCacheConfig> ParseLruCacheConfig(const config::YamlMap& m) {
  // single_flight and validity existed in some Thanos versions; they change nothing here.
  WarnUnknownKeys(m, {"max_size", "max_item_size", "single_flight", "validity"});
  LruCacheConfig c;
  CHARON_RETURN_IF_ERROR(m.ByteSize("max_size", &c.max_size));
  CHARON_RETURN_IF_ERROR(m.ByteSize("max_item_size", &c.max_item_size));
  if (c.max_size < 0) return m.KeyError("max_size", "must not be negative");
  if (c.max_item_size < 0) return m.KeyError("max_item_size", "must not be negative");
  if (c.max_item_size > c.max_size) {
    return config::ConfigError(
        m.source(), absl::StrCat("max item size (", c.max_item_size,
                                 ") cannot be bigger than overall cache size (", c.max_size, ")"));
  }
  return c;
}

absl::StatusOr<std::unique_ptr<LruCache>> LruCache::Create(std::string name, LruCacheConfig config,
                                                           prometheus::Registry& registry,
                                                           std::function<absl::Time()> now) {
  if (config.max_size < 0 || config.max_item_size < 0 || config.max_item_size > config.max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("in-memory cache: max item size (", config.max_item_size,
                     ") must be between 0 and the overall cache size (", config.max_size, ")"));
  }
  if (!now) now = [] { return absl::Now(); };
  Metrics m;
  m.requests = CounterOf(registry, "thanos_cache_inmemory_requests_total",
                         "Total number of requests to the inmemory cache.", name);
  m.hits = CounterOf(registry, "thanos_cache_inmemory_hits_total",
                     "Total number of requests to the inmemory cache that were a hit.", name);
  m.hits_expired = CounterOf(registry, "thanos_cache_inmemory_hits_on_expired_data_total",
                             "Total number of requests to the inmemory cache that were a hit but "
                             "needed to be evicted due to TTL.",
                             name);
  m.items.added = CounterOf(registry, "thanos_cache_inmemory_items_added_total",
                            "Total number of items that were added to the inmemory cache.", name);
  m.items.evicted =
      CounterOf(registry, "thanos_cache_inmemory_items_evicted_total",
                "Total number of items that were evicted from the inmemory cache.", name);
  m.items.overflowed =
      CounterOf(registry, "thanos_cache_inmemory_items_overflowed_total",
                "Total number of items that could not be added to the inmemory cache "
                "due to being too big.",
                name);
  m.items.items = GaugeOf(registry, "thanos_cache_inmemory_items",
                          "Current number of items in the inmemory cache.", name);
  m.items.items_size = GaugeOf(registry, "thanos_cache_inmemory_items_size_bytes",
                               "Current byte size of items in the inmemory cache.", name);
  m.items.total_size =
      GaugeOf(registry, "thanos_cache_inmemory_total_size_bytes",
              "Current byte size of items (both value and key) in the inmemory cache.", name);
  GaugeOf(registry, "thanos_cache_inmemory_max_size_bytes",
          "Maximum number of bytes to be held in the inmemory cache.", name)
      ->Set(static_cast<double>(config.max_size));
  GaugeOf(registry, "thanos_cache_inmemory_max_item_size_bytes",
          "Maximum number of bytes for single entry to be held in the inmemory cache.", name)
      ->Set(static_cast<double>(config.max_item_size));
  return std::unique_ptr<LruCache>(new LruCache(std::move(name), config, m, std::move(now)));
}

LruCache::LruCache(std::string name, LruCacheConfig config, Metrics metrics,
                   std::function<absl::Time()> now)
    : name_(std::move(name)),
      config_(config),
      metrics_(metrics),
      now_(std::move(now)),
      // Entries removed on expiry count as evicted too.
      lru_(config.max_size, [items = metrics.items](const Entry& e, int64_t size) {
        items.Removed(static_cast<double>(size),
                      static_cast<double>(size + static_cast<int64_t>(e.key.size())));
      }) {}

void LruCache::Store(std::vector<CacheItem> items, absl::Duration ttl) {
  if (ttl <= absl::ZeroDuration()) return;
  absl::Time expires = now_() + ttl;
  absl::MutexLock lock(&mu_);
  for (CacheItem& item : items) StoreOne(std::move(item.first), std::move(item.second), expires);
}

void LruCache::StoreOne(std::string key, std::string value, absl::Time expires) {
  if (lru_.Get(key) != nullptr) return;  // the first value wins; its recency is refreshed
  const int64_t size = static_cast<int64_t>(value.size());
  if (size > config_.max_item_size) {
    metrics_.items.overflowed->Increment();
    return;
  }
  const auto total = static_cast<double>(size + static_cast<int64_t>(key.size()));
  lru_.Insert(Entry{std::move(key), std::move(value), expires});
  metrics_.items.Added(static_cast<double>(size), total);
}

absl::flat_hash_map<std::string, std::string> LruCache::Fetch(
    const std::vector<std::string>& keys) {
  absl::flat_hash_map<std::string, std::string> hits;
  absl::Time now = now_();
  absl::MutexLock lock(&mu_);
  for (const std::string& key : keys) {
    metrics_.requests->Increment();
    const Entry* e = lru_.Get(key);
    if (e == nullptr) continue;
    if (now >= e->expires) {
      metrics_.hits_expired->Increment();
      lru_.Remove(key);
      continue;
    }
    metrics_.hits->Increment();
    hits.emplace(key, e->value);
  }
  return hits;
}

int64_t LruCache::ItemCount() const {
  absl::MutexLock lock(&mu_);
  return lru_.count();
}

int64_t LruCache::SizeBytes() const {
  absl::MutexLock lock(&mu_);
  return lru_.size();
}

}  // namespace charon::cache
