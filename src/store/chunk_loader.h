// Fetches the chunks of a batch of series from a block's chunk segments: per segment, sorted
// offsets with an estimated record size are coalesced into few range reads fetched in parallel;
// records longer than the estimate are read again exactly. Chunk data stay in the fetched buffers
// (no copy); the series keep those buffers alive.
#ifndef CHARON_STORE_CHUNK_LOADER_H_
#define CHARON_STORE_CHUNK_LOADER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/block.h"
#include "store/loaded_series.h"
#include "store/query_context.h"
#include "store/store_api.h"

namespace charon::store {

// Thanos' --debug.estimated-max-chunk-size default.
inline constexpr int64_t kEstimatedMaxChunkSize = 16000;

// Fills `chunks` of every series from its `metas`. Raw chunks go to AggrChunk::raw whatever the
// aggregates; Thanos downsampled chunks (encoding 0xFF) are split into the requested aggregates
// (a requested but absent one is an error). Errors name the block.
absl::Status LoadChunks(const Block& block, std::span<LoadedSeries*> series,
                        std::span<const Aggr> aggregates, int64_t estimate, QueryContext& ctx);

// Splits a Thanos aggregate chunk's data into its sub-chunks (count, sum, min, max, counter):
// each `uvarint len` then, if len > 0, encoding byte + len bytes. Absent ones are nullopt.
struct AggrParts {
  std::optional<std::pair<uint8_t, std::string_view>> part[5];
};
absl::StatusOr<AggrParts> SplitAggrChunk(std::string_view data);

}  // namespace charon::store

#endif  // CHARON_STORE_CHUNK_LOADER_H_
