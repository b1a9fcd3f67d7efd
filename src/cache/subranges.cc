#include "cache/subranges.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::cache {
namespace {

// Merges neighbours whose gap is at most `limit` bytes.
std::vector<ByteRange> MergeWithin(const std::vector<ByteRange>& in, int64_t limit) {
  std::vector<ByteRange> out;
  for (const ByteRange& r : in) {
    if (!out.empty() && r.start - out.back().end <= limit) {
      out.back().end = std::max(out.back().end, r.end);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace

std::vector<ByteRange> CoveringSubranges(int64_t offset, int64_t length, int64_t object_size,
                                         int64_t subrange_size) {
  std::vector<ByteRange> out;
  int64_t end = std::min(object_size, offset + std::max<int64_t>(0, length));
  if (offset >= end) return out;
  for (int64_t s = offset / subrange_size * subrange_size; s < end; s += subrange_size) {
    out.push_back({s, std::min(s + subrange_size, object_size)});
  }
  return out;
}

std::vector<ByteRange> MergeMissing(std::vector<ByteRange> missing, int64_t subrange_size,
                                    int max_requests) {
  missing = MergeWithin(missing, 0);
  for (int64_t limit = subrange_size;
       max_requests > 0 && missing.size() > static_cast<size_t>(max_requests); limit *= 2) {
    missing = MergeWithin(missing, limit);
  }
  return missing;
}

std::string SubrangeKey(std::string_view name, const ByteRange& r) {
  return absl::StrCat("subrange:", base::Absl(name), ":", r.start, ":", r.end);
}

}  // namespace charon::cache
