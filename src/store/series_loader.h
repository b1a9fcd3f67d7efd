// Reads series entries of one block from its remote index: refs are turned into byte ranges of an
// estimated size, coalesced, fetched in parallel, and decoded; an entry longer than the estimate is
// fetched again with its exact size.
#ifndef CHARON_STORE_SERIES_LOADER_H_
#define CHARON_STORE_SERIES_LOADER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "store/block.h"
#include "store/query_context.h"
#include "tsdb/series_entry.h"

namespace charon::store {

// Thanos' --debug.estimated-max-series-size default.
inline constexpr int64_t kEstimatedMaxSeriesSize = 64 * 1024;

// Calls fn(i, entry) for refs[i] in ascending order; `refs` ascending. `estimate` is the bytes
// read per entry before a refetch (min'ed with meta index_stats.series_max_size when known); an
// entry is never read past the start of the next selected one, `next_ref` being the ref that
// follows the last of `refs` (when the caller has one), so only a final entry costs `estimate`.
absl::Status LoadSeriesEntries(
    const Block& block, std::span<const uint64_t> refs, int64_t estimate, QueryContext& ctx,
    const std::function<absl::Status(size_t, const tsdb::SeriesEntry&)>& fn,
    std::optional<uint64_t> next_ref = std::nullopt);

}  // namespace charon::store

#endif  // CHARON_STORE_SERIES_LOADER_H_
