// BlockSeriesStream: the series of one block for one Series request, in final label order, loaded
// batch by batch so that memory stays bounded by the batch size, not the answer size.
//
// Open() expands postings (and reserves them against the series limit, as Thanos counts series
// touched). Next() then yields series: entries are read for a batch of refs, filtered by time,
// labels transformed (external labels, replica removal), sharded, then the batch's chunks fetched.
// Chunks are fetched for at most `chunks_per_fetch` chunks at a time, whatever the series batch size
// (Thanos' --debug.series-batch-size, 10000 series), so chunk bytes held per block and request stay
// around a megabyte.
// A series is returned only if it has a sample in [min_time, max_time], as Prometheus does; only
// when every overlapping chunk spans past both ends does that take decoding the chunk.
// When the transform can reorder series beyond what OrderRestorer handles, the block's labels and
// chunk metas are gathered and sorted first (chunks are still fetched per batch).
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
#include "store/block.h"
#include "store/fetch_stats.h"
#include "store/limiter.h"
#include "store/loaded_series.h"
#include "store/series_transform.h"
#include "store/store_api.h"

namespace charon::store {

struct BlockQuery {
  int64_t min_time = 0;
  int64_t max_time = 0;
  // Matchers left after external labels were checked; empty selects every series.
  std::vector<tsdb::Matcher> matchers;
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
  Limiter* series_limiter = nullptr;
  Limiter* chunks_limiter = nullptr;
  FetchStats* stats = nullptr;
};

class BlockSeriesStream {
 public:
  static absl::StatusOr<std::unique_ptr<BlockSeriesStream>> Open(std::shared_ptr<const Block> block,
                                                                 const BlockQuery& query);

  // The next series, or nullopt at the end. Errors name the block.
  absl::StatusOr<std::optional<LoadedSeries>> Next();

  const Block& block() const { return *block_; }
  size_t num_postings() const { return refs_.size(); }

 private:
  BlockSeriesStream(std::shared_ptr<const Block> block, const BlockQuery& query);
  absl::Status FillReady();
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
  std::deque<LoadedSeries> ready_;
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
