// BucketStore: serves the blocks of one bucket over the StoreApi. It keeps the set of loaded
// blocks in step with the bucket (SyncBlocks: load new blocks concurrently, drop vanished ones once
// the view is complete) and answers Series by streaming a k-way merge of per-block streams, so
// memory per request is bounded by the chunks fetched at a time x blocks queried, not by the
// answer. The blocks of a request are read concurrently, each fetching its next batch while the
// merge consumes the current one.
//
// Thread-safe: queries run concurrently with each other and with SyncBlocks; a query holds
// shared_ptrs to the blocks it reads, so a dropped block lives until the query ends.
#ifndef CHARON_STORE_BUCKET_STORE_H_
#define CHARON_STORE_BUCKET_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "base/ulid.h"
#include "cache/index_cache.h"
#include "objstore/bucket.h"
#include "store/block.h"
#include "store/gate.h"
#include "store/limiter.h"
#include "store/memory_budget.h"
#include "store/query_context.h"
#include "store/store_api.h"
#include "store/store_metrics.h"
#include "tsdb/block_meta.h"

namespace prometheus {
class Registry;
}

namespace charon::store {

// The filtered view of the bucket a sync works from. A non-OK `err` marks the view incomplete:
// new blocks are still loaded, but nothing is dropped.
struct MetaView {
  std::map<base::Ulid, std::shared_ptr<const tsdb::BlockMeta>> metas;
  absl::Status err;
};
using MetaSource = std::function<MetaView()>;

// The most series entries read at a time per block and request, whatever the batch size flag.
inline constexpr size_t kMaxSeriesPerRead = 1024;

struct BucketStoreOptions {
  BlockLoadOptions load;
  int block_sync_concurrency = 20;  // --block-sync-concurrency
  int series_max_concurrency = 20;  // --store.grpc.series-max-concurrency
  uint64_t series_limit = 0;        // --store.limits.request-series
  uint64_t samples_limit = 0;       // --store.limits.request-samples (chunks = samples / 120)
  // --min-time / --max-time in ms, resolved on every use (they may be relative to now).
  std::function<int64_t()> min_time;
  std::function<int64_t()> max_time;
  int64_t estimated_series_size = 64 * 1024;  // --debug.estimated-max-series-size
  int64_t estimated_chunk_size = 16000;       // --debug.estimated-max-chunk-size
  size_t series_batch_size = 4096;  // --debug.series-batch-size, capped at kMaxSeriesPerRead
  size_t chunks_per_fetch = 4096;   // chunks fetched at a time per block and request
  // Blocks of one request opened (postings, first batch) at once. Their bucket requests are
  // bounded by the two settings below, not by this.
  int block_open_concurrency = 1024;
  // Bucket requests in flight per request and in the whole process (0 = unbounded). Remote
  // requests mostly wait, so these are far above the number of cores.
  int requests_per_query = 128;
  int requests_per_process = 1024;
  uint64_t downloaded_bytes_limit = 0;  // --store.grpc.downloaded-bytes-limit
  // The index cache (--index-cache-size / --index-cache.config); null: none.
  std::shared_ptr<cache::IndexCache> index_cache;
  // --chunk-pool-size: fetched index and chunk bytes all requests hold at once (0 = unbounded).
  uint64_t chunk_pool_size = uint64_t{2} << 30;
  // Structured log sink (level "debug"|"info"|"warn"|"error", message, key/values); may be empty.
  std::function<void(std::string_view level, std::string_view msg,
                     const std::vector<std::pair<std::string, std::string>>& kv)>
      log;
};

class BucketStore : public StoreApi {
 public:
  BucketStore(std::shared_ptr<objstore::Bucket> bucket, MetaSource metas,
              BucketStoreOptions options, prometheus::Registry& registry);
  ~BucketStore() override;

  // SyncBlocks, then removes local block directories that belong to no loaded block, then marks
  // the store ready.
  absl::Status InitialSync();
  // One sync round: errors of single blocks are logged and counted, not returned; the returned
  // status is the view's error, if any.
  absl::Status SyncBlocks();

  std::vector<std::shared_ptr<const Block>> Blocks() const;
  // The --chunk-pool-size budget shared by the requests.
  const MemoryBudget& memory_budget() const { return budget_; }

  absl::Status Series(const SeriesRequest& req, SeriesSink& sink, SeriesResult* result) override;
  absl::StatusOr<LabelsResult> LabelNames(const LabelNamesRequest& req) override;
  absl::StatusOr<LabelsResult> LabelValues(const LabelValuesRequest& req) override;
  StoreInfo Info() override;
  bool Ready() const override { return ready_.load(); }

 private:
  absl::Status SeriesUnlogged(const SeriesRequest& req, SeriesSink& sink, SeriesResult* result);
  struct Selected {
    std::shared_ptr<const Block> block;
    // Request matchers minus those on external labels: shared by the blocks of an external-label
    // set, never copied per block (a matcher value may be megabytes).
    std::shared_ptr<const std::vector<tsdb::Matcher>> matchers;
  };
  // Blocks for a Series call: per external-label set, by time and resolution (Thanos getFor).
  std::vector<Selected> SelectSeriesBlocks(const SeriesRequest& req, int64_t mint,
                                           int64_t maxt) const;
  // Blocks overlapping [start, end] (all resolutions), for the label calls.
  std::vector<Selected> SelectLabelBlocks(int64_t start, int64_t end,
                                          const std::vector<tsdb::Matcher>& matchers,
                                          const std::vector<tsdb::Matcher>& block_matchers) const;
  // The shared frame of LabelNames and LabelValues: validation, block selection, one call of
  // `per_block_fn` per block in parallel (each gives a sorted, duplicate-free list), then their
  // sorted union cut to `limit`.
  using PerBlockLabels = std::function<absl::Status(const Selected&, Limiter&, QueryContext&,
                                                    std::vector<std::string>&)>;
  absl::StatusOr<LabelsResult> CollectLabels(int64_t start, int64_t end,
                                             const std::vector<tsdb::Matcher>& matchers,
                                             const std::vector<tsdb::Matcher>& block_matchers,
                                             const std::string& tenant, int64_t limit,
                                             const CallContext& call,
                                             const PerBlockLabels& per_block_fn);
  absl::Status LoadBlock(std::shared_ptr<const tsdb::BlockMeta> meta);
  // The I/O settings of one request of `tenant`.
  QueryIoOptions IoOptions(const std::string& tenant);
  int64_t MinTimeFlag() const;
  int64_t MaxTimeFlag() const;

  std::shared_ptr<objstore::Bucket> bucket_;
  MetaSource metas_;
  BucketStoreOptions options_;
  StoreMetrics metrics_;
  Gate gate_;
  Gate process_requests_;
  MemoryBudget budget_;
  std::atomic<bool> ready_{false};
  absl::Mutex sync_mu_;  // one sync at a time
  mutable absl::Mutex mu_;
  std::map<base::Ulid, std::shared_ptr<const Block>> blocks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::store

#endif  // CHARON_STORE_BUCKET_STORE_H_
