// Postings: ascending, duplicate-free series refs, and the set algebra that resolves matchers
// (after Prometheus tsdb/index/postings.go). An iterator carries its own error: loops stay
// branch-free and check status() once at the end.
//
// Not thread-safe. Iterators built from views do not own the bytes they read.
#ifndef CHARON_TSDB_POSTINGS_H_
#define CHARON_TSDB_POSTINGS_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::tsdb {

class Postings {
 public:
  virtual ~Postings() = default;
  // Advances; false at the end or on error.
  virtual bool Next() = 0;
  // Advances to the first value >= v (staying put if already there); false if none.
  virtual bool Seek(uint64_t v) = 0;
  // Current value; valid only after Next()/Seek() returned true.
  virtual uint64_t At() const = 0;
  virtual absl::Status status() const = 0;
};

using PostingsPtr = std::unique_ptr<Postings>;

PostingsPtr EmptyPostings();
PostingsPtr ErrPostings(absl::Status status);
// Takes sorted, unique refs.
PostingsPtr ListPostings(std::vector<uint64_t> refs);
// Over a raw on-disk postings list body starting at #entries: `#entries (u32 BE) | id (u32 BE)...`.
// Values are the u32 ids; DataLoss if the view is shorter than #entries promises. Ids that are not
// strictly increasing end the iteration with DataLoss when stepped on (a Seek may jump over some),
// so the values handed out are always strictly increasing. Bytes after the ids are ignored. Does
// not copy: `body` must outlive the iterator.
PostingsPtr RawPostings(std::string_view body);
// Bytes of the CRC32 (Castagnoli) that follows every on-disk postings list body. A list's range
// from the index-header ([offset+4, next_offset-4)) stops before it: extend the read by this much.
inline constexpr int64_t kPostingsCrcSize = 4;
// RawPostings over a list read whole: `#entries | ids | crc32c(#entries | ids)`, as the index
// format writes it. The CRC is checked first, so an entry changed to another valid series ref is
// DataLoss (as ErrPostings) instead of a wrong answer; so is a view too short to hold the CRC.
// Bytes after the CRC (padding) are ignored. Costs one pass over the list (see postings_bench).
PostingsPtr CheckedRawPostings(std::string_view list);
// Values of `p` multiplied by `factor` (16 turns v2 series ids into index byte offsets). factor
// >= 1.
PostingsPtr ScalePostings(PostingsPtr p, uint64_t factor);

// Values in every input; empty for no inputs. Seek-driven, so a short list intersected with a long
// one costs about short * log(long / short). status() is the first input error.
PostingsPtr Intersect(std::vector<PostingsPtr> its);
// Values in any input, once each; empty for no inputs. status() is the first input error.
PostingsPtr Merge(std::vector<PostingsPtr> its);
// Values of `full` not in `drop`.
PostingsPtr Without(PostingsPtr full, PostingsPtr drop);

// Drains `p`; its status() if it ended in error.
absl::StatusOr<std::vector<uint64_t>> ExpandPostings(Postings& p);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_POSTINGS_H_
