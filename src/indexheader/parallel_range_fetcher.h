// FetchRangesInOrder: copies byte ranges of one object out of a bucket, split into fixed-size parts
// that are fetched concurrently and handed to a sink strictly in order. This is how the
// index-header builder copies the symbol and postings tables (Thanos fetches 16 MiB parts in
// parallel, since one GET per range is slow on object stores).
//
// Memory stays bounded: at most 2 x concurrency parts are fetched but not yet consumed.
#ifndef CHARON_INDEXHEADER_PARALLEL_RANGE_FETCHER_H_
#define CHARON_INDEXHEADER_PARALLEL_RANGE_FETCHER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "base/byte_range.h"
#include "objstore/bucket.h"

namespace charon::indexheader {

using base::ByteRange;

struct ParallelFetchOptions {
  int64_t part_size = int64_t{16} << 20;
  // Concurrent GetRange calls (threads).
  int concurrency = 4;
};

// Calls `sink(range_index, bytes)` with consecutive pieces of each range, ranges in the given
// order. Returns the first error: a bucket error as is, DataLoss if the object returns fewer bytes
// than asked (it is shorter than the ranges assume), or the sink's error. No call of `sink` happens
// after an error. InvalidArgument for a negative offset/length or non-positive options.
[[nodiscard]] absl::Status FetchRangesInOrder(
    objstore::Bucket& bucket, std::string_view name, std::span<const ByteRange> ranges,
    const ParallelFetchOptions& options,
    const std::function<absl::Status(size_t range_index, std::string_view bytes)>& sink);

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_PARALLEL_RANGE_FETCHER_H_
