// Gap-based coalescing of byte ranges into fewer, larger reads (Thanos' gapBasedPartitioner):
// neighbouring ranges whose gap is at most `max_gap` bytes are read as one part. Pure; no I/O.
#ifndef CHARON_STORE_RANGE_PARTITIONER_H_
#define CHARON_STORE_RANGE_PARTITIONER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/byte_range.h"

namespace charon::store {

// Thanos' PartitionerMaxGapSize.
inline constexpr int64_t kDefaultMaxGap = 512 * 1024;

using ByteRange = base::ByteRange;

struct Part {
  int64_t start = 0;
  int64_t end = 0;
  // Indexes into the input of the ranges this part covers: [first, last].
  size_t first = 0;
  size_t last = 0;
  bool operator==(const Part&) const = default;
};

// `ranges` must be sorted by start (overlaps allowed). Returns parts in ascending order; every
// input range lies inside exactly the part whose [first, last] contains its index.
std::vector<Part> PartitionRanges(std::span<const ByteRange> ranges,
                                  int64_t max_gap = kDefaultMaxGap);

}  // namespace charon::store

#endif  // CHARON_STORE_RANGE_PARTITIONER_H_
