// SeriesMerger: k-way merge of per-block series streams by labels. Series with equal labels from
// several blocks (overlapping blocks, or blocks that differ only in a removed replica label) become
// one series whose chunks are sorted by (min_time, max_time, data) with identical chunks removed,
// as Thanos' response deduplicator does.
#ifndef CHARON_STORE_SERIES_MERGER_H_
#define CHARON_STORE_SERIES_MERGER_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "store/block_series_stream.h"
#include "store/loaded_series.h"

namespace charon::store {

class SeriesMerger {
 public:
  explicit SeriesMerger(std::vector<std::unique_ptr<BlockSeriesStream>> streams);

  // Next merged series or nullopt at the end; the first stream error is returned.
  absl::StatusOr<std::optional<LoadedSeries>> Next();

 private:
  absl::Status Init();
  bool Greater(size_t a, size_t b) const;
  std::vector<std::unique_ptr<BlockSeriesStream>> streams_;
  std::vector<std::optional<LoadedSeries>> heads_;
  std::vector<size_t> heap_;  // indexes into streams_, min-heap by head labels
  bool initialized_ = false;
};

// Sorts chunks by (min_time, max_time, data) and removes exact duplicates.
void SortAndDedupChunks(std::vector<AggrChunk>& chunks);

}  // namespace charon::store

#endif  // CHARON_STORE_SERIES_MERGER_H_
