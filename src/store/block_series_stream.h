// BlockSeriesStream: the series of one block for one Series request, in final label order, loaded
// batch by batch so that memory stays bounded by the batch size, not the answer size.
//
// Open() expands postings (and reserves them against the series limit, as Thanos counts series
// touched). Next() then yields series: entries are read for a batch of refs, filtered by time,
// labels transformed (external labels, replica removal), sharded, then the batch's chunks fetched.
// Chunks are fetched for at most `chunks_per_fetch` chunks at a time, whatever the series batch
// size (Thanos' --debug.series-batch-size, 10000 series), so chunk bytes held per block and request
// stay around a megabyte. A series is returned only if it has a sample in [min_time, max_time], as
// Prometheus does; only when every overlapping chunk spans past both ends does that take decoding
// the chunk. When the transform can reorder series beyond what OrderRestorer handles, the block's
// labels and chunk metas are gathered and sorted first (chunks are still fetched per batch).
//
// Pipelined: Open() loads the first batch, and while the caller consumes batches the next ones
// (up to `batches_ahead`) are already being fetched on the I/O pool, one after another, as long
// as the memory budget has room. A merge that reads the blocks one after another (disjoint label
// ranges) then finds each block's later batches loaded.
#ifndef CHARON_STORE_BLOCK_SERIES_STREAM_H_
#define CHARON_STORE_BLOCK_SERIES_STREAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "store/block.h"
#include "store/limiter.h"
#include "store/loaded_series.h"
#include "store/query_context.h"
#include "store/series_transform.h"
#include "store/store_api.h"

namespace charon::store {

// Batches fetched ahead of a BlockSeriesStream's consumer, shared with the filler task on the I/O
// pool (which may start after the stream is gone: it then finds `queued` cleared).
struct BatchPipeline {
  absl::Mutex mu;
  bool queued ABSL_GUARDED_BY(mu) = false;   // a filler task is submitted, not started
  bool filling ABSL_GUARDED_BY(mu) = false;  // a fill runs (filler or consumer)
  bool done ABSL_GUARDED_BY(mu) = false;     // no batch left to fill
  bool stop ABSL_GUARDED_BY(mu) = false;     // the stream is going away
  absl::Status error ABSL_GUARDED_BY(mu);
  std::deque<std::deque<LoadedSeries>> batches ABSL_GUARDED_BY(mu);
  uint64_t last_batch_bytes ABSL_GUARDED_BY(mu) = 0;
};

struct BlockQuery {
  int64_t min_time = 0;
  int64_t max_time = 0;
  // Matchers left after external labels were checked; empty selects every series. Shared by
  // the blocks of a request.
  std::shared_ptr<const std::vector<tsdb::Matcher>> matchers;
  bool skip_chunks = false;
  std::vector<Aggr> aggregates;
  std::vector<std::string> without_replica_labels;
  std::optional<ShardInfo> shard_info;
  int64_t limit = 0;
  size_t batch_size = 4096;
  // Chunks fetched at a time within a batch (a window is cut before it would exceed this).
  size_t chunks_per_fetch = 4096;
  int64_t estimated_series_size = 64 * 1024;
  int64_t estimated_chunk_size = 16000;
  // Batches fetched ahead of the consumer per block, within the memory budget.
  size_t batches_ahead = 2;
  Limiter* series_limiter = nullptr;
  Limiter* chunks_limiter = nullptr;
  QueryContext* ctx = nullptr;  // required
};

class BlockSeriesStream {
 public:
  static absl::StatusOr<std::unique_ptr<BlockSeriesStream>> Open(std::shared_ptr<const Block> block,
                                                                 const BlockQuery& query);

  // Stops fetching ahead; waits for a batch being fetched (it stops at its next bucket request
  // once the query is cancelled).
  ~BlockSeriesStream();

  // The next series, or nullopt at the end. Errors name the block.
  absl::StatusOr<std::optional<LoadedSeries>> Next();

  const Block& block() const { return *block_; }
  size_t num_postings() const { return refs_.size(); }

 private:
  BlockSeriesStream(std::shared_ptr<const Block> block, const BlockQuery& query);
  // Loads the next batch into filled_ (finished_ once there is none). One fill at a time: the
  // pipeline's `filling` flag says who runs it.
  absl::Status FillReady();
  // Runs one fill and hands its batch to the pipeline. Called with `filling` set.
  void FillOne();
  // Starts the filler on the I/O pool unless one runs or there is nothing to fetch ahead.
  void StartFiller();
  // The filler: fills batches ahead until the limit, the budget or the end.
  static void RunFiller(std::shared_ptr<BatchPipeline> p, BlockSeriesStream* self);
  // Moves the next batch (fetched ahead, or loaded now if nobody is fetching) to ready_.
  absl::Status TakeBatch();
  // Reads entries for refs_[begin, end) into `out` (time-filtered, transformed, sharded).
  absl::Status ReadEntries(size_t begin, size_t end, std::vector<LoadedSeries>* out);
  // Loads chunks of a batch and drops series without a sample in range.
  absl::Status LoadChunksFor(std::vector<LoadedSeries>& batch);
  absl::StatusOr<std::string_view> Symbol(uint32_t ref);

  std::shared_ptr<const Block> block_;
  BlockQuery q_;
  SeriesTransform transform_;
  std::vector<uint64_t> refs_;
  size_t next_ref_ = 0;
  // Entries read (labels, chunk metas) whose chunks are not loaded yet, from `entries_pos_`.
  std::vector<LoadedSeries> entries_;
  size_t entries_pos_ = 0;
  std::deque<LoadedSeries> filled_;  // written by the fill
  std::deque<LoadedSeries> ready_;   // read by Next
  std::shared_ptr<BatchPipeline> pipeline_;
  OrderRestorer restorer_;
  bool finished_ = false;
  int64_t emitted_ = 0;
  // Sorted fallback: every selected series, sorted, chunks loaded per batch from `sorted_pos_`.
  bool sorted_mode_ = false;
  bool gathered_ = false;
  std::vector<LoadedSeries> sorted_;
  size_t sorted_pos_ = 0;
  // Node-based: Symbol() hands out views that must survive later insertions.
  absl::node_hash_map<uint32_t, std::string> symbols_;
};

// The shard of a label set, as Thanos' ShardInfo matcher computes it.
bool ShardMatches(const ShardInfo& shard, const tsdb::Labels& labels);

// Whether a chunk has a sample in [mint, maxt]. Only XOR chunks are decoded; other encodings are
// assumed to have one (their chunk meta overlaps the range).
bool ChunkHasSampleIn(const AggrChunk& c, int64_t mint, int64_t maxt);

}  // namespace charon::store

#endif  // CHARON_STORE_BLOCK_SERIES_STREAM_H_
