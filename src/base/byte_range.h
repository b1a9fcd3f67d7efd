// ByteRange: the bytes [start, end) of an object or file. Range planners, fetchers and caches
// all speak it.
#ifndef CHARON_BASE_BYTE_RANGE_H_
#define CHARON_BASE_BYTE_RANGE_H_

#include <cstdint>

namespace charon::base {

struct ByteRange {
  int64_t start = 0;
  int64_t end = 0;  // exclusive

  int64_t size() const { return end - start; }
  bool operator==(const ByteRange&) const = default;
};

}  // namespace charon::base

#endif  // CHARON_BASE_BYTE_RANGE_H_
