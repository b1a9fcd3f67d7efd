// The postings offset table: where each (label name, label value) postings list starts.
// Content of the section (after CheckedSection):
//
//   #entries (u32 BE) |
//   { keycount uvarint (= 2) | name (uvarint-len bytes) | value (uvarint-len bytes) |
//     offset uvarint64 (absolute index offset of the list's len field) } x #entries
//
// Sorted by (name, value) in index v2 with ("", "") first; unsorted in v1.
//
// Iterators are not thread-safe; the entries' views point into the content, which must outlive
// them.
#ifndef CHARON_TSDB_POSTINGS_OFFSET_TABLE_H_
#define CHARON_TSDB_POSTINGS_OFFSET_TABLE_H_

#include <cstdint>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace charon::tsdb {

struct PostingsOffsetEntry {
  std::string_view name;
  std::string_view value;
  uint64_t offset = 0;    // absolute index offset of the postings list
  uint64_t position = 0;  // offset of this entry (its keycount) inside the table content
  uint32_t ordinal = 0;   // 0-based entry number
};

// Decodes one entry at the start of `b`; sets *size to its encoded size. OutOfRange if `b` ends
// inside the entry (a file-backed caller reads more and retries); DataLoss on a keycount other
// than 2 or a malformed uvarint. `position` and `ordinal` are left to the caller.
absl::Status DecodePostingsOffsetEntry(std::string_view b, PostingsOffsetEntry* e, size_t* size);

class PostingsOffsetTableIterator {
 public:
  // Over the whole table; DataLoss (via status()) if the content is too short for #entries.
  explicit PostingsOffsetTableIterator(std::string_view content);
  // Resumes at an entry seen earlier: `position` and `ordinal` as it reported them.
  PostingsOffsetTableIterator(std::string_view content, uint64_t position, uint32_t ordinal);

  // Advances to the next entry; false at the end of #entries or on error (then see status()).
  bool Next();
  // Valid after Next() returned true.
  const PostingsOffsetEntry& At() const { return entry_; }
  // DataLoss if an entry is malformed or the table ends before #entries entries.
  const absl::Status& status() const { return status_; }
  uint32_t NumEntries() const { return count_; }

 private:
  std::string_view content_;
  uint64_t pos_ = 4;
  uint32_t next_ordinal_ = 0;
  uint32_t count_ = 0;
  PostingsOffsetEntry entry_;
  absl::Status status_;
};

// Calls fn for every entry in table order; stops at the first non-OK status fn returns and returns
// it. DataLoss on a malformed table.
absl::Status WalkPostingsOffsetTable(
    std::string_view content, absl::FunctionRef<absl::Status(const PostingsOffsetEntry&)> fn);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_POSTINGS_OFFSET_TABLE_H_
