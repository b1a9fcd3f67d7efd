// Series entries of the index series section.
//
//   len uvarint (at most 5 bytes) | body | crc32c (u32 BE) over body
//   body: nlabels uvarint | {name_ref uvarint, value_ref uvarint} x nlabels | nchunks uvarint |
//         chunk 0: mint varint, maxt-mint uvarint, ref uvarint |
//         chunk i: mint_i - maxt_{i-1} uvarint, maxt_i - mint_i uvarint, ref_i - ref_{i-1} varint
//
// v2: entries are 16-byte aligned and a series ref is offset/16; v1: the ref is the byte offset.
// Symbol refs are ordinals (v2) or absolute byte offsets into the index (v1).
#ifndef CHARON_TSDB_SERIES_ENTRY_H_
#define CHARON_TSDB_SERIES_ENTRY_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::tsdb {

// Closed interval [min_time, max_time] of a chunk and its reference
// (segment index << 32 | offset in segment).
struct ChunkMeta {
  int64_t min_time = 0;
  int64_t max_time = 0;
  uint64_t ref = 0;
  bool operator==(const ChunkMeta&) const = default;
};

struct SeriesEntry {
  std::vector<std::pair<uint32_t, uint32_t>> label_refs;  // (name ref, value ref), by name
  std::vector<ChunkMeta> chunks;                          // ascending time
};

// Total encoded size (len uvarint + body + 4-byte CRC) of the entry starting at `b`, reading only
// the len uvarint. DataLoss if the uvarint is malformed or longer than 5 bytes; OutOfRange if `b`
// ends inside the uvarint (fetch more).
absl::StatusOr<size_t> SeriesEntrySize(std::string_view b);

// Decodes the entry starting at `b` (its len uvarint) and checks its CRC. `b` may extend past the
// entry. Clears and reuses `out`'s vectors. OutOfRange if `b` is shorter than the entry; DataLoss
// on a CRC mismatch or a malformed body.
absl::Status DecodeSeriesEntry(std::string_view b, SeriesEntry* out);

// Byte offset in the index of a series ref, for index version 1 or 2.
inline uint64_t SeriesOffset(uint64_t ref, int index_version) {
  return index_version >= 2 ? ref * 16 : ref;
}

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_SERIES_ENTRY_H_
