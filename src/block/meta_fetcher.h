// MetaFetcher: discovers the blocks in a bucket and loads their meta.json, then applies the
// configured filters. This is the store's view of which blocks exist; the sync loop adds and
// drops blocks to match it.
//
// A fetch lists the bucket root (a top-level entry is a block iff its base name parses as a
// ULID), then loads every block's meta.json on `concurrency` workers: from memory, else from the
// disk cache, else from the bucket. Per block:
//   meta.json missing                 -> partial, state "no-meta-json"
//   meta.json unparsable              -> partial, state "corrupted-meta-json"
//   meta version != 1, other errors   -> partial, state "failed"; the view is incomplete
// Only a complete view (no "failed") replaces the in-memory cache and removes disk copies of
// blocks no longer listed; an incomplete view must not be used to drop blocks.
//
// Thread-safe. Concurrent Fetch() calls share one fetch: callers that arrive while a fetch runs
// wait for it and get its result.
#ifndef CHARON_BLOCK_META_FETCHER_H_
#define CHARON_BLOCK_META_FETCHER_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "block/meta_disk_cache.h"
#include "block/meta_filter.h"
#include "objstore/bucket.h"

namespace charon::block {

struct MetaFetcherOptions {
  int concurrency = 32;  // --block-meta-fetch-concurrency
  // --data-dir; metas are cached under <data_dir>/meta-syncer/. Empty: no disk cache.
  std::string data_dir{};
  // Applied in order (Thanos: time partition, label sharding, consistency delay, deletion marks,
  // deduplication). Shared so that the caller can keep asking a filter what it saw.
  std::vector<std::shared_ptr<MetaFilter>> filters{};
  Clock clock = [] { return absl::Now(); };
};

struct FetchResult {
  MetaMap metas;                               // loaded and kept by every filter
  std::map<base::Ulid, absl::Status> partial;  // blocks whose meta.json could not be used
  // Non-OK when the view is incomplete (some meta "failed": `metas` then lacks blocks that do
  // exist), when listing failed, or when a filter failed (then `metas` and `partial` are empty).
  absl::Status err;
  SyncedCounts synced;  // blocks per state of thanos_blocks_meta_synced
};

class MetaFetcher {
 public:
  // InvalidArgument for concurrency < 1 or when a metric cannot be registered in `registry`;
  // Unavailable when the meta-syncer directory cannot be created. `bucket` and `registry` must
  // outlive the fetcher.
  static absl::StatusOr<std::unique_ptr<MetaFetcher>> Create(objstore::Bucket& bucket,
                                                             MetaFetcherOptions options,
                                                             prometheus::Registry& registry);

  FetchResult Fetch();

 private:
  struct Metrics {
    prometheus::Counter* syncs;
    prometheus::Counter* sync_failures;
    prometheus::Histogram* sync_duration;
    std::map<std::string, prometheus::Gauge*, std::less<>> synced;
    prometheus::Gauge* modified_replica_label_removed;
  };
  enum class LoadState { kLoaded, kNoMeta, kCorrupted, kFailed };
  struct Load {
    LoadState state = LoadState::kFailed;
    std::shared_ptr<const tsdb::BlockMeta> meta;
    absl::Status status;
  };
  struct Flight;

  MetaFetcher(objstore::Bucket& bucket, MetaFetcherOptions options, Metrics metrics);

  FetchResult FetchUncoalesced();
  absl::StatusOr<std::vector<base::Ulid>> ListBlocks();
  Load LoadMeta(const base::Ulid& id);
  void PublishSynced(const SyncedCounts& synced);

  objstore::Bucket& bucket_;
  const MetaFetcherOptions options_;
  const std::unique_ptr<MetaDiskCache> disk_cache_;  // null without a data dir
  Metrics metrics_;

  absl::Mutex mu_;
  MetaMap cached_ ABSL_GUARDED_BY(mu_);  // every meta of the last complete view, unfiltered
  // The fetch in progress, if any. Fetches therefore never overlap, and neither do the filters
  // and metric updates they run.
  std::shared_ptr<Flight> flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_META_FETCHER_H_
