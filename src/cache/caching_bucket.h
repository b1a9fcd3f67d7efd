// CachingBucket: a Bucket decorator that caches what a store gateway reads again and again, with
// Thanos' caching-bucket semantics and cache keys, so a Thanos store and Charon can share one
// memcached.
//
// What is cached (everything else goes straight to the wrapped bucket):
//   * chunk files (names matching ^.*/chunks/\d+$):
//       Attributes  -> "attrs:<name>" = {"size":N,"last_modified":"<RFC 3339>"}   (config "chunks")
//       GetRange    -> the object is cut into chunk_subrange_size-aligned subranges, each cached
//                      as "subrange:<name>:<start>:<end>"; missing subranges are merged into at
//                      most max_chunks_get_range_requests backend calls (see subranges.h). The
//                      object size comes from the cached Attributes. Only offset >= 0 and
//                      length > 0 reads are cached.
//   * meta files (names ending in /meta.json or /deletion-mark.json, config "meta.jsons"):
//       Exists      -> "exists:<name>" = "true" / "false"
//       Get         -> "content:<name>" (only objects of at most metafile_max_size) and the
//                      existence; a cached "false" makes Get NotFound without a backend call.
//   * Iter of the bucket root "" (config "blocks-iter"): the names as a JSON array under
//       "iter::<hash>" or, recursive, "iter-recursive::<hash>"; <hash> tells buckets apart when
//       several share a cache. The TTL counts from the start of the listing.
// TTLs of "exists"/"content"/"iter" entries count from when the backend call started.
//
// Errors: exactly the wrapped bucket's (the Bucket contract); cache failures are misses. A cached
// value that does not decode is a miss.
//
// Metrics (label config = chunks | meta.jsons | blocks-iter; operation = get_range | attributes |
// exists | get | iter):
//   thanos_store_bucket_cache_operation_requests_total{operation,config}
//   thanos_store_bucket_cache_operation_hits_total{operation,config}   (get_range: the fraction
//       of subranges found, as Thanos counts it)
//   thanos_store_bucket_cache_getrange_requested_bytes_total{config}
//   thanos_store_bucket_cache_getrange_fetched_bytes_total{origin=cache|bucket,config}
//   thanos_store_bucket_cache_getrange_refetched_bytes_total{origin,config}
//
// Thread-safety: thread-safe if the wrapped bucket and the cache are.
#ifndef CHARON_CACHE_CACHING_BUCKET_H_
#define CHARON_CACHE_CACHING_BUCKET_H_

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "cache/cache.h"
#include "objstore/bucket.h"
#include "objstore/bucket_wrapper.h"

namespace charon::cache {

// Defaults are Thanos'.
struct CachingBucketOptions {
  int64_t chunk_subrange_size = 16000;
  int max_chunks_get_range_requests = 3;  // <= 0: unlimited
  int64_t metafile_max_size = 1024 * 1024;
  absl::Duration chunk_object_attrs_ttl = absl::Hours(24);
  absl::Duration chunk_subrange_ttl = absl::Hours(24);
  absl::Duration blocks_iter_ttl = absl::Minutes(5);
  absl::Duration metafile_exists_ttl = absl::Hours(2);
  absl::Duration metafile_doesnt_exist_ttl = absl::Minutes(15);
  absl::Duration metafile_content_ttl = absl::Hours(24);
  // The <hash> part of Iter keys (see IterConfigHash in caching_bucket_config.h).
  std::string iter_config_hash;
  // Clock for TTL arithmetic; absl::Now when empty.
  std::function<absl::Time()> now;
};

// True for names Thanos treats as chunk segment files / meta files.
bool IsChunkFile(std::string_view name);
bool IsMetaFile(std::string_view name);

class CachingBucket final : public objstore::BucketWrapper {
 public:
  // `inner` and `cache` must not be null; options.chunk_subrange_size must be > 0.
  CachingBucket(std::shared_ptr<objstore::Bucket> inner, std::unique_ptr<Cache> cache,
                CachingBucketOptions options, prometheus::Registry& registry);
  ~CachingBucket() override;

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    objstore::IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<objstore::ObjectAttributes> Attributes(std::string_view name) override;
  // "caching: " + the wrapped bucket's name.
  std::string Name() const override;

  Cache& cache() { return *cache_; }

 private:
  struct Metrics;

  absl::StatusOr<objstore::ObjectAttributes> CachedAttributes(std::string_view name);
  absl::StatusOr<std::string> CachedGetRange(std::string_view name, int64_t offset, int64_t length);
  void StoreExists(const std::string& key, bool exists, absl::Time started);
  absl::Time Now() const { return options_.now ? options_.now() : absl::Now(); }

  std::unique_ptr<Cache> cache_;
  const CachingBucketOptions options_;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_CACHING_BUCKET_H_
