// Pure arithmetic of the caching bucket's chunk-file GetRange: which subrange-aligned pieces a
// read touches, their cache keys, and how the missing ones are merged into few backend requests.
//
// Example, subrange size 10, object size 35, read [12, 31):
//   subranges [10,20) [20,30) [30,35)  -> keys subrange:<name>:10:20, ...:20:30, ...:30:35
// Missing pieces are merged when adjacent, then with gaps of up to 1, 2, 4... subrange sizes
// until at most `max_requests` ranges remain (max_requests <= 0: adjacent merging only). A merged
// range may cover pieces that were cache hits; they are fetched again (counted as refetched).
#ifndef CHARON_CACHE_SUBRANGES_H_
#define CHARON_CACHE_SUBRANGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_range.h"

namespace charon::cache {

// [start, end) in bytes.
using ByteRange = base::ByteRange;

// The subranges covering [offset, offset + length) of an object of `object_size` bytes, aligned
// to `subrange_size` (> 0), the last one cut at the object's end. Empty when the range starts at
// or after the end, or length <= 0. Requires offset >= 0.
std::vector<ByteRange> CoveringSubranges(int64_t offset, int64_t length, int64_t object_size,
                                         int64_t subrange_size);

// Merges sorted, non-overlapping `missing` ranges as described above. The result is sorted and
// covers every input range.
std::vector<ByteRange> MergeMissing(std::vector<ByteRange> missing, int64_t subrange_size,
                                    int max_requests);

// Thanos' cache key of one subrange: "subrange:<name>:<start>:<end>".
std::string SubrangeKey(std::string_view name, const ByteRange& r);

}  // namespace charon::cache

#endif  // CHARON_CACHE_SUBRANGES_H_
