// Index file framing (index format v1/v2): header, TOC, section length/CRC rule.
//
//   offset 0: magic 0xBAAAD700 (u32 BE) | version (1 byte: 1, 2 or 3; 3 is read as 2)
//   ... symbols | series | [label indices] | postings | [label offset table] | postings offset
//   table last 52 bytes: TOC = 6 x u64 BE section offsets | crc32c (u32 BE) over those 48 bytes
//
// Sections other than series are "len (u32 BE) | len bytes | crc32c over those len bytes".
#ifndef CHARON_TSDB_INDEX_FORMAT_H_
#define CHARON_TSDB_INDEX_FORMAT_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace charon::tsdb {

inline constexpr uint32_t kIndexMagic = 0xBAAAD700;
inline constexpr size_t kIndexHeaderLen = 5;
inline constexpr size_t kIndexTocLen = 52;

struct IndexToc {
  uint64_t symbols = 0;
  uint64_t series = 0;
  uint64_t label_indices = 0;
  uint64_t label_offset_table = 0;
  uint64_t postings = 0;
  uint64_t postings_table = 0;
};

// Checks magic and version of the first 5 bytes; returns the format version (1 or 2; 3 maps to 2).
// DataLoss on a bad magic or unknown version.
absl::StatusOr<int> DecodeIndexHeader(std::string_view first5);

// Decodes the last 52 bytes of an index and checks the TOC CRC. DataLoss on mismatch. Offsets are
// not checked against a file size: see ValidateToc.
absl::StatusOr<IndexToc> DecodeIndexToc(std::string_view last52);

// DataLoss unless symbols/series/postings_table offsets lie inside [5, index_size - 52] and
// symbols <= series <= postings_table.
absl::Status ValidateToc(const IndexToc& toc, uint64_t index_size);

// Given the bytes of a len-prefixed section starting at its u32 len, verifies the CRC and returns
// the `len` content bytes (a view into `b`). DataLoss if `b` is short or the CRC is wrong.
absl::StatusOr<std::string_view> CheckedSection(std::string_view b, std::string_view what);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_INDEX_FORMAT_H_
