// The one path by which the store reads a block's index and chunk segments for a query: the
// byte ranges wanted from each object are coalesced into parts (the gap-based range
// partitioner), every part of every object is fetched concurrently (bounded by the query's
// request slots), and each range is handed out as a view into its part. Entries longer than the
// range estimated for them (series entries, chunk records) are read again exactly with
// RefetchEntry. Postings lists, series entries and chunks are all read this way.
#ifndef CHARON_STORE_RANGE_FETCHER_H_
#define CHARON_STORE_RANGE_FETCHER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/block.h"
#include "store/loaded_series.h"
#include "store/query_context.h"
#include "store/range_partitioner.h"

namespace charon::store {

// The ranges wanted from one object of a block, sorted by start (overlaps allowed).
struct RangeRead {
  const std::string* object = nullptr;
  std::vector<ByteRange> ranges;
};

struct FetchedRanges {
  // views[r][i] holds reads[r].ranges[i]; shorter than asked where the object ends first. Views
  // point into `buffers`.
  std::vector<std::vector<std::string_view>> views;
  int64_t requests = 0;  // parts fetched
  int64_t bytes = 0;     // bytes fetched
};

// Fetches `reads` for `what` ("postings", "series", "chunks") into `buffers` (appended; they
// keep the views valid). Errors: see QueryContext::GetRange.
absl::StatusOr<FetchedRanges> FetchRanges(QueryContext& ctx, const Block& block,
                                          std::string_view what, std::span<const RangeRead> reads,
                                          ChunkBuffers& buffers);

// Total size of a length-prefixed entry from its first bytes; OutOfRange if they do not tell.
using EntrySizeFn = std::function<absl::StatusOr<uint64_t>(std::string_view)>;

// Reads exactly the entry at `offset` of `object` whose start `head` (the bytes a coalesced read
// gave, possibly too few to hold its length) holds: its length first if `head` does not tell it.
// The entry is appended to `buffers`; the view returned points there.
absl::StatusOr<std::string_view> RefetchEntry(QueryContext& ctx, const Block& block,
                                              std::string_view what, const std::string& object,
                                              int64_t offset, std::string_view head,
                                              const EntrySizeFn& size_of, ChunkBuffers& buffers);

}  // namespace charon::store

#endif  // CHARON_STORE_RANGE_FETCHER_H_
