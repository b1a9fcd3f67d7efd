#include "store/range_partitioner.h"

#include <algorithm>

namespace charon::store {

std::vector<Part> PartitionRanges(std::span<const ByteRange> ranges, int64_t max_gap) {
  std::vector<Part> parts;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const ByteRange& r = ranges[i];
    if (!parts.empty() && r.start <= parts.back().end + max_gap) {
      parts.back().end = std::max(parts.back().end, r.end);
      parts.back().last = i;
      continue;
    }
    parts.push_back(Part{r.start, r.end, i, i});
  }
  return parts;
}

}  // namespace charon::store
