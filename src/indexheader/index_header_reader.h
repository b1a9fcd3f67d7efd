// IndexHeaderReader: answers the questions a store asks of a block's index without reading the
// remote index: label names and values, where a postings list lies in the index, symbol lookup.
// Backed by the local Thanos binary index-header file (see index_header_builder.h); keeps only
// every N-th postings-offset entry per label name and every 32nd symbol offset in memory and reads
// the rest from the file with pread.
//
// Open() verifies everything once (checksums, bounds, table order), so the lookups below fail only
// if the file changes or cannot be read afterwards: then DataLoss or Unavailable. Memory: a few
// bytes per 32 symbols and per sampled postings entry (about 150 KB for a 100k-series block at
// sampling 32); the file stays open for the reader's lifetime.
//
// Thread-safe: all methods may be called concurrently after Open().
#ifndef CHARON_INDEXHEADER_INDEX_HEADER_READER_H_
#define CHARON_INDEXHEADER_INDEX_HEADER_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "base/byte_range.h"

namespace charon::indexheader {

// Byte range [start, end) in the block's index file. For a postings list, start is the offset of
// its #entries field (the list's offset + 4) and end the next list's offset - 4, so the range may
// over-read padding; decoders trust #entries.
using IndexRange = base::ByteRange;

class IndexHeaderReader {
 public:
  // Opens and validates (magic, version, TOC CRC, section CRCs) the index-header at `path`.
  // `postings_sampling` >= 1 (Thanos --store.index-header-posting-offsets-in-mem-sampling).
  // DataLoss on a corrupt file, NotFound if missing, Unavailable on other I/O errors,
  // InvalidArgument if `postings_sampling` < 1.
  static absl::StatusOr<std::unique_ptr<IndexHeaderReader>> Open(const std::string& path,
                                                                 int postings_sampling = 32);
  ~IndexHeaderReader();

  int IndexVersion() const;
  // TOC.postings_table of the original index (where the last postings list ends).
  int64_t PostingsTableOffset() const;

  // Sorted label names, without the all-postings name "".
  absl::StatusOr<std::vector<std::string>> LabelNames() const;
  // Sorted values of `name`; empty if the name is unknown.
  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) const;
  // Ranges of the postings lists of (name, values[i]); nullopt where the pair does not exist.
  // `values` should be sorted ascending: the lookups then walk the table once (unsorted values are
  // answered correctly, with more reads).
  absl::StatusOr<std::vector<std::optional<IndexRange>>> PostingsRanges(
      std::string_view name, std::span<const std::string> values) const;
  // Symbol by reference (v2: ordinal; v1: byte offset in the original index). NotFound if out of
  // range or, in v1, not the start of a symbol.
  absl::StatusOr<std::string> LookupSymbol(uint32_t ref) const;

  // Bytes this reader keeps in memory (for metrics and benchmarks).
  size_t MemoryBytes() const;

  class Impl;

 private:
  explicit IndexHeaderReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_INDEX_HEADER_READER_H_
