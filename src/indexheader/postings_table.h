// PostingsTable: the postings offset table inside an index-header file, and what it answers.
//
//   len (u32 BE) | #entries (u32 BE)
//   | { keycount = 2 (uvarint) | name (uvarint-len) | value (uvarint-len)
//       | offset (uvarint64: where the list's len field sits in the original index) } x #entries
//   | crc32c (u32 BE) over #entries and the entries
//
// Two implementations: index v2 keeps the table sorted by (name, value), so a sample of it is kept
// in memory and the rest is read from the file (SampledPostingsTable); index v1 wrote it unsorted,
// so it is loaded whole (FullPostingsTable). Both verify the section CRC once when loaded.
//
// A list's byte range is [offset + 4, next entry's offset - 4); the last list ends 4 bytes before
// the original index's postings offset table. Thread-safe: immutable after load.
#ifndef CHARON_INDEXHEADER_POSTINGS_TABLE_H_
#define CHARON_INDEXHEADER_POSTINGS_TABLE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "indexheader/file_decoder.h"
#include "indexheader/index_header_reader.h"
#include "indexheader/read_only_file.h"

namespace charon::indexheader {

class PostingsTable {
 public:
  virtual ~PostingsTable() = default;

  // Sorted, without "".
  virtual std::vector<std::string> LabelNames() const = 0;
  // Sorted; empty for an unknown name.
  virtual absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) const = 0;
  // See IndexHeaderReader::PostingsRanges.
  virtual absl::StatusOr<std::vector<std::optional<IndexRange>>> PostingsRanges(
      std::string_view name, std::span<const std::string> values) const = 0;
  virtual size_t MemoryBytes() const = 0;
};

// Where the table lies in the index-header file and what bounds its lists.
struct PostingsTableLayout {
  uint64_t begin = 0;  // file offset of the table's len field
  uint64_t end = 0;    // end of the region the section must fit in
  // Offset of the postings offset table in the original index: the last list ends before it.
  uint64_t index_postings_table = 0;
};

// The section's content window [content_begin, content_end) after checking len and CRC.
struct CheckedTableSection {
  uint64_t content_begin = 0;
  uint64_t content_end = 0;
};
absl::StatusOr<CheckedTableSection> CheckPostingsTableSection(const ReadOnlyFile& file,
                                                              const PostingsTableLayout& layout);

// One decoded entry. `name` and `value` are views into the decoder's buffer, valid until its next
// read. `table_offset` is the file offset of the entry's keycount.
struct PostingsTableEntry {
  std::string_view name;
  std::string_view value;
  uint64_t offset = 0;
  uint64_t table_offset = 0;
};

// Reads the entry at the decoder's position; false with the decoder's error set on malformed bytes.
bool ReadPostingsTableEntry(FileDecoder& d, PostingsTableEntry* e);

// DataLoss unless entry `i`'s list offset leaves room for a list (its 4-byte length and CRC)
// before the postings offset table at `postings_table`.
absl::Status CheckListOffset(const PostingsTableEntry& e, uint32_t i, uint64_t postings_table);

// Heap bytes owned by a std::string beyond its inline buffer.
inline size_t StringHeapBytes(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_POSTINGS_TABLE_H_
