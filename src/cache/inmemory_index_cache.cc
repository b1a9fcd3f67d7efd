#include "cache/inmemory_index_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace charon::cache {

absl::StatusOr<std::unique_ptr<InMemoryIndexCache>> InMemoryIndexCache::Create(
    LruCacheConfig config, prometheus::Registry& registry) {
  if (config.max_size < 0 || config.max_item_size < 0 || config.max_item_size > config.max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("in-memory index cache: max item size (", config.max_item_size,
                     ") must be between 0 and the overall cache size (", config.max_size, ")"));
  }
  auto counter = [&](const char* name, const char* help) -> auto& {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
  };
  auto gauge = [&](const char* name, const char* help) -> auto& {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
  };
  auto& added = counter("thanos_store_index_cache_items_added_total",
                        "Total number of items that were added to the index cache.");
  auto& evicted = counter("thanos_store_index_cache_items_evicted_total",
                          "Total number of items that were evicted from the index cache.");
  auto& overflowed = counter("thanos_store_index_cache_items_overflowed_total",
                             "Total number of items that could not be added to the cache due to "
                             "being too big.");
  auto& items =
      gauge("thanos_store_index_cache_items", "Current number of items in the index cache.");
  auto& items_size = gauge("thanos_store_index_cache_items_size_bytes",
                           "Current byte size of items in the index cache.");
  auto& total_size = gauge("thanos_store_index_cache_total_size_bytes",
                           "Current byte size of items (both value and key) in the index cache.");
  std::array<LruItemMetrics, kIndexItemTypes> m;
  for (IndexItemType t : kAllIndexItemTypes) {
    std::map<std::string, std::string> labels = {{"item_type", std::string(IndexItemTypeName(t))}};
    m[static_cast<int>(t)] =
        LruItemMetrics{&added.Add(labels), &evicted.Add(labels),    &overflowed.Add(labels),
                       &items.Add(labels), &items_size.Add(labels), &total_size.Add(labels)};
  }
  gauge("thanos_store_index_cache_max_size_bytes",
        "Maximum number of bytes to be held in the index cache.")
      .Add({})
      .Set(static_cast<double>(config.max_size));
  gauge("thanos_store_index_cache_max_item_size_bytes",
        "Maximum number of bytes for single entry to be held in the index cache.")
      .Add({})
      .Set(static_cast<double>(config.max_item_size));
  return std::unique_ptr<InMemoryIndexCache>(new InMemoryIndexCache(config, m));
}

InMemoryIndexCache::InMemoryIndexCache(LruCacheConfig config,
                                       std::array<LruItemMetrics, kIndexItemTypes> metrics)
    : config_(config),
      metrics_(metrics),
      lru_(config.max_size, [metrics](const Entry& e, int64_t cost) {
        metrics[static_cast<int>(e.type)].Removed(static_cast<double>(e.value.size()),
                                                  static_cast<double>(cost));
      }) {}

int64_t InMemoryIndexCache::EntryOverhead() {
  // A list node (the entry and two links) and a hash slot (key view, iterator, control byte).
  return static_cast<int64_t>(sizeof(Entry) + 2 * sizeof(void*) + sizeof(std::string_view) +
                              sizeof(Lru::List::iterator) + 1);
}

int64_t InMemoryIndexCache::Cost(const Entry& e) {
  // A std::string's capacity beyond the small-string buffer is a separate allocation.
  auto heap = [](const std::string& s) {
    return s.capacity() > std::string().capacity() ? static_cast<int64_t>(s.capacity()) + 1 : 0;
  };
  return heap(e.key) + heap(e.value) + EntryOverhead();
}

void InMemoryIndexCache::Store(std::vector<CacheItem> items, absl::Duration ttl) {
  if (ttl <= absl::ZeroDuration()) return;
  absl::MutexLock lock(&mu_);
  for (CacheItem& item : items) StoreOne(std::move(item.first), std::move(item.second));
}

void InMemoryIndexCache::StoreOne(std::string key, std::string value) {
  if (lru_.Get(key) != nullptr) return;  // values never change; its recency is refreshed
  IndexItemType type = IndexItemTypeOfKey(key);
  const LruItemMetrics& m = metrics_[static_cast<int>(type)];
  key.shrink_to_fit();
  value.shrink_to_fit();
  Entry entry{std::move(key), std::move(value), type};
  const int64_t cost = Cost(entry);
  if (cost > config_.max_item_size) {
    m.overflowed->Increment();
    return;
  }
  const auto value_size = static_cast<double>(entry.value.size());
  lru_.Insert(std::move(entry));
  m.Added(value_size, static_cast<double>(cost));
}

absl::flat_hash_map<std::string, std::string> InMemoryIndexCache::Fetch(
    const std::vector<std::string>& keys) {
  absl::flat_hash_map<std::string, std::string> hits;
  absl::MutexLock lock(&mu_);
  for (const std::string& key : keys) {
    if (const Entry* e = lru_.Get(key); e != nullptr) hits.emplace(key, e->value);
  }
  return hits;
}

int64_t InMemoryIndexCache::ItemCount() const {
  absl::MutexLock lock(&mu_);
  return lru_.count();
}

int64_t InMemoryIndexCache::SizeBytes() const {
  absl::MutexLock lock(&mu_);
  return lru_.size();
}

}  // namespace charon::cache
