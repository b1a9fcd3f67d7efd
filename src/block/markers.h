// Block markers: small JSON objects uploaded next to a block's meta.json.
//
//   <ULID>/deletion-mark.json    {"id": ULID, "version": 1, "details": str, "deletion_time": unix
//   s} <ULID>/no-compact-mark.json  {"id", "version": 1, "details", "no_compact_time", "reason"}
//
// Absent keys keep their defaults (Go's encoding/json). Parsing is pure; ReadDeletionMark adds the
// bucket read. All functions are thread-safe.
#ifndef CHARON_BLOCK_MARKERS_H_
#define CHARON_BLOCK_MARKERS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "base/ulid.h"
#include "objstore/bucket.h"

namespace charon::block {

inline constexpr std::string_view kDeletionMarkFilename = "deletion-mark.json";
inline constexpr std::string_view kNoCompactMarkFilename = "no-compact-mark.json";
inline constexpr int kMarkerVersion1 = 1;

struct DeletionMark {
  base::Ulid id;
  int version = 0;
  std::string details;
  int64_t deletion_time = 0;  // unix seconds
};

struct NoCompactMark {
  base::Ulid id;
  int version = 0;
  std::string details;
  int64_t no_compact_time = 0;  // unix seconds
  std::string reason;           // manual, index-size-exceeding, ...
};

// DataLoss when the text is not JSON of the expected shape (a field of the wrong type, an invalid
// ULID): the marker is unparsable, typically a partial upload. FailedPrecondition when it parses
// but `version` is not 1: Thanos treats that as an error rather than a missing marker.
absl::StatusOr<DeletionMark> ParseDeletionMark(std::string_view json);
absl::StatusOr<NoCompactMark> ParseNoCompactMark(std::string_view json);

// Reads and parses `<id>/deletion-mark.json`. NotFound when the block has no mark; the bucket's
// other errors unchanged; then ParseDeletionMark's.
absl::StatusOr<DeletionMark> ReadDeletionMark(objstore::Bucket& bucket, const base::Ulid& id);

}  // namespace charon::block

#endif  // CHARON_BLOCK_MARKERS_H_
