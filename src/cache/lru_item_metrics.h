// LruItemMetrics: the item gauges and counters both in-memory caches keep for what their LruMap
// holds (Thanos' thanos_cache_inmemory_* and thanos_store_index_cache_* share the shape):
// items added, evicted and overflowed; items held, their value bytes and every byte they cost.
#ifndef CHARON_CACHE_LRU_ITEM_METRICS_H_
#define CHARON_CACHE_LRU_ITEM_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

namespace charon::cache {

struct LruItemMetrics {
  prometheus::Counter* added;
  prometheus::Counter* evicted;
  prometheus::Counter* overflowed;
  prometheus::Gauge* items;
  prometheus::Gauge* items_size;  // value bytes
  prometheus::Gauge* total_size;  // every byte the items cost

  void Added(double value_bytes, double total_bytes) const {
    added->Increment();
    items->Increment();
    items_size->Increment(value_bytes);
    total_size->Increment(total_bytes);
  }
  void Removed(double value_bytes, double total_bytes) const {
    evicted->Increment();
    items->Decrement();
    items_size->Decrement(value_bytes);
    total_size->Decrement(total_bytes);
  }
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_LRU_ITEM_METRICS_H_
