// LruCache: the in-memory byte cache of Thanos' caching bucket (`type: IN-MEMORY`), an LRU bounded
// by the total size of the values it holds.
//
// Behaviour, as Thanos' in-memory cache:
//   * an item larger than max_item_size is not stored (counted as overflowed);
//   * storing a key that is already present does nothing (the first value wins) but refreshes
//     its recency;
//   * to make room the least recently used items are evicted until the new one fits;
//   * an item past its TTL is a miss, removed when it is next looked up (counted as a hit on
//     expired data) or when it becomes the oldest.
// Values are copied in and out; sizes count value bytes only (keys are counted in
// thanos_cache_inmemory_total_size_bytes).
//
// Metrics (label `name`): thanos_cache_inmemory_{requests,hits,hits_on_expired_data,
// items_added,items_evicted,items_overflowed}_total, thanos_cache_inmemory_{items,
// items_size_bytes,total_size_bytes,max_size_bytes,max_item_size_bytes}.
//
// Thread-safety: thread-safe; one mutex guards the whole cache.
#ifndef CHARON_CACHE_LRU_CACHE_H_
#define CHARON_CACHE_LRU_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cache/cache.h"
#include "cache/lru_item_metrics.h"
#include "cache/lru_map.h"
#include "config/yaml_fields.h"

namespace charon::cache {

// The `config` map of an IN-MEMORY cache. Defaults are Thanos'.
struct LruCacheConfig {
  int64_t max_size = 250 * 1024 * 1024;       // max_size
  int64_t max_item_size = 125 * 1024 * 1024;  // max_item_size
};

// Reads max_size and max_item_size (byte sizes). Keys Thanos ignores there (it reads this map
// leniently) are logged and ignored. InvalidArgument for a malformed value, a negative size, or
// max_item_size > max_size.
absl::StatusOr<LruCacheConfig> ParseLruCacheConfig(const config::YamlMap& m);

class LruCache final : public Cache {
 public:
  // `now` is the clock used for TTLs (absl::Now when empty). Metrics go to `registry` with
  // name=`name`. InvalidArgument as ParseLruCacheConfig when the config is inconsistent.
  static absl::StatusOr<std::unique_ptr<LruCache>> Create(std::string name, LruCacheConfig config,
                                                          prometheus::Registry& registry,
                                                          std::function<absl::Time()> now = {});

  void Store(std::vector<CacheItem> items, absl::Duration ttl) override;
  absl::flat_hash_map<std::string, std::string> Fetch(
      const std::vector<std::string>& keys) override;
  std::string Name() const override { return name_; }

  // Number of items and their value bytes, expired ones included until they are removed.
  int64_t ItemCount() const;
  int64_t SizeBytes() const;

 private:
  struct Entry {
    std::string key;
    std::string value;
    absl::Time expires;
  };
  struct ValueSize {
    int64_t operator()(const Entry& e) const { return static_cast<int64_t>(e.value.size()); }
  };

  struct Metrics {
    prometheus::Counter* requests;
    prometheus::Counter* hits;
    prometheus::Counter* hits_expired;
    LruItemMetrics items;
  };

  LruCache(std::string name, LruCacheConfig config, Metrics metrics,
           std::function<absl::Time()> now);

  void StoreOne(std::string key, std::string value, absl::Time expires)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string name_;
  const LruCacheConfig config_;
  const Metrics metrics_;
  const std::function<absl::Time()> now_;

  mutable absl::Mutex mu_;
  // Sized by value bytes; expired entries stay until looked up or evicted.
  LruMap<Entry, ValueSize> lru_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_LRU_CACHE_H_
