// IndexCache: Thanos' index cache. It keeps, per block, the pieces of the block's index a query
// reads from the bucket: postings lists per label pair, expanded postings per matcher set, and
// series entries per series ref, so a repeated query reads no index bytes from the bucket.
//
// Entries live in a byte Cache (InMemoryIndexCache, RemoteCache) under Thanos'
// keys (index_cache_keys.h), with postings in Thanos' codec (postings_codec.h) and series as the
// raw entry body, so a Charon and a Thanos store sharing a memcached or redis read each other's
// entries. A value that does not decode is a miss, never an error, logged with the block and the
// item type at most once per 10 s per IndexCache (the count of those not logged goes with the
// next line); the caller reports the series entries it fails to decode (Undecodable).
// Like every Cache, a backend that is down or slow only turns into misses.
//
// Refs: postings lists hold refs as the index stores them (v2: series id = offset / 16);
// expanded postings and series are keyed by the series' byte offset in the index, as Thanos
// keys them. The caller converts.
//
// Metrics (item_type = Postings | ExpandedPostings | Series, tenant = "default-tenant"):
// thanos_store_index_cache_requests_total, thanos_store_index_cache_hits_total (per key).
//
// Thread-safety: thread-safe.
#ifndef CHARON_CACHE_INDEX_CACHE_H_
#define CHARON_CACHE_INDEX_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cache/cache.h"
#include "cache/index_item_type.h"
#include "cache/log_limiter.h"
#include "tsdb/labels.h"

namespace charon::cache {

struct IndexCacheOptions {
  // Entries are written for this long (remote backends); the in-memory one ignores it.
  absl::Duration ttl = absl::Hours(24);
  // Item types not enabled are never stored nor fetched (Thanos' enabled_items).
  std::array<bool, kIndexItemTypes> enabled = {true, true, true};
  // Appended to postings keys as ":<codec>": "dss" for remote backends (what Thanos writes
  // there), "" in memory.
  std::string codec_suffix;
};

class IndexCache {
 public:
  IndexCache(std::unique_ptr<Cache> backend, IndexCacheOptions options,
             prometheus::Registry& registry);

  // The postings list of each label pair of `block` (ULID text), refs ascending.
  void StorePostings(std::string_view block,
                     std::span<const std::pair<tsdb::Label, std::vector<uint64_t>>> postings);
  // result[i]: the postings of labels[i], nullopt on a miss.
  std::vector<std::optional<std::vector<uint64_t>>> FetchMultiPostings(
      std::string_view block, std::span<const tsdb::Label> labels);

  // `matchers` is MatchersKey() of the matcher set; refs are series offsets.
  void StoreExpandedPostings(std::string_view block, std::string_view matchers,
                             std::span<const uint64_t> refs);
  std::optional<std::vector<uint64_t>> FetchExpandedPostings(std::string_view block,
                                                             std::string_view matchers);

  // Series entries (the body, without length prefix and CRC) by series offset.
  void StoreSeries(std::string_view block, std::vector<std::pair<uint64_t, std::string>> series);
  absl::flat_hash_map<uint64_t, std::string> FetchMultiSeries(std::string_view block,
                                                              std::span<const uint64_t> refs);

  // Logs (rate-limited, see above) that the cached `type` value of `block` under `key` did not
  // decode, as `status` says; the caller treats it as a miss.
  void Undecodable(std::string_view block, IndexItemType type, std::string_view key,
                   const absl::Status& status);

  bool enabled(IndexItemType t) const { return options_.enabled[static_cast<int>(t)]; }
  Cache& backend() { return *backend_; }

 private:
  void Count(IndexItemType t, size_t requests, size_t hits);

  std::unique_ptr<Cache> backend_;
  const IndexCacheOptions options_;
  std::array<prometheus::Counter*, kIndexItemTypes> requests_;
  std::array<prometheus::Counter*, kIndexItemTypes> hits_;
  LogLimiter undecodable_log_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_INDEX_CACHE_H_
