// InMemoryIndexCache: the in-memory store of the index cache (`type: IN-MEMORY`, and the default
// sized by --index-cache-size): one LRU shared by postings, expanded postings and series, bounded
// by the bytes it actually holds.
//
// Behaviour, as Thanos' in-memory index cache:
//   * an item whose size exceeds max_item_size is not stored (counted as overflowed);
//   * storing a key that is present does nothing but refresh its recency (values for a key never
//     change: they are derived from immutable blocks);
//   * the least recently used items are evicted until the new one fits;
//   * TTLs are not kept (entries of deleted blocks age out), but ttl <= 0 stores nothing.
// An item's size is what holding it costs: the key's and value's allocated bytes plus a fixed
// per-entry overhead for the list node and the hash slot (Thanos counts value + 16 bytes).
//
// Metrics, per item_type (the key's kind, index_item_type.h), with Thanos' names:
// thanos_store_index_cache_{items_added,items_evicted,items_overflowed}_total,
// thanos_store_index_cache_{items,items_size_bytes,total_size_bytes} (value bytes; every byte
// held), thanos_store_index_cache_{max_size_bytes,max_item_size_bytes}. Requests and hits are
// counted by IndexCache, above.
//
// Thread-safety: thread-safe; one mutex guards the whole cache.
#ifndef CHARON_CACHE_INMEMORY_INDEX_CACHE_H_
#define CHARON_CACHE_INMEMORY_INDEX_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cache/cache.h"
#include "cache/index_item_type.h"
#include "cache/lru_cache.h"
#include "cache/lru_item_metrics.h"
#include "cache/lru_map.h"

namespace charon::cache {

class InMemoryIndexCache final : public Cache {
 public:
  // max_size and max_item_size as LruCacheConfig (IN-MEMORY's `config` map reads the same keys).
  // InvalidArgument when max_item_size > max_size or either is negative.
  static absl::StatusOr<std::unique_ptr<InMemoryIndexCache>> Create(LruCacheConfig config,
                                                                    prometheus::Registry& registry);

  void Store(std::vector<CacheItem> items, absl::Duration ttl) override;
  absl::flat_hash_map<std::string, std::string> Fetch(
      const std::vector<std::string>& keys) override;
  std::string Name() const override { return "index-cache"; }

  // Items held, and the bytes they cost (never more than max_size).
  int64_t ItemCount() const;
  int64_t SizeBytes() const;

  // Bytes an entry costs beyond its key's and value's allocations.
  static int64_t EntryOverhead();

 private:
  struct Entry {
    std::string key;
    std::string value;
    IndexItemType type;
  };
  struct EntryCost {
    int64_t operator()(const Entry& e) const { return Cost(e); }
  };
  using Lru = LruMap<Entry, EntryCost>;

  InMemoryIndexCache(LruCacheConfig config, std::array<LruItemMetrics, kIndexItemTypes> metrics);

  static int64_t Cost(const Entry& e);
  void StoreOne(std::string key, std::string value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LruCacheConfig config_;
  const std::array<LruItemMetrics, kIndexItemTypes> metrics_;

  mutable absl::Mutex mu_;
  Lru lru_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_INMEMORY_INDEX_CACHE_H_
