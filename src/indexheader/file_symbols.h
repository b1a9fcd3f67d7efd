// FileSymbols: the symbol table inside an index-header file, looked up with pread.
//
//   len (u32 BE) | #symbols (u32 BE) | { uvarint strlen, bytes } x #symbols | crc32c (u32 BE)
//
// Keeps the file offset of every 32nd symbol (as Prometheus and Thanos do), so a lookup reads at
// most 31 neighbouring strings. Open() verifies the section CRC and walks every symbol once, so
// later lookups can only fail if the file changes underneath.
//
// Thread-safe: immutable after Load; lookups use pread on the shared file.
#ifndef CHARON_INDEXHEADER_FILE_SYMBOLS_H_
#define CHARON_INDEXHEADER_FILE_SYMBOLS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexheader/read_only_file.h"

namespace charon::indexheader {

class FileSymbols {
 public:
  static constexpr uint32_t kSampleEvery = 32;

  // The table occupies [begin, end) of `file` (trailing padding allowed). For index v1 symbol
  // references are offsets into the original index, whose table started at
  // `index_symbols_offset`; for v2 they are ordinals and that argument is unused.
  // DataLoss if the table does not fit, its CRC is wrong or a string is malformed.
  static absl::StatusOr<FileSymbols> Open(const ReadOnlyFile& file, uint64_t begin, uint64_t end,
                                          int index_version, uint64_t index_symbols_offset);

  // NotFound if `ref` names no symbol; DataLoss/Unavailable if reading the file fails.
  absl::StatusOr<std::string> Lookup(uint32_t ref) const;

  uint32_t size() const { return count_; }
  size_t MemoryBytes() const;

 private:
  FileSymbols(const ReadOnlyFile& file, uint64_t content_end, uint32_t count,
              std::vector<uint64_t> offsets, int index_version, uint64_t index_symbols_offset,
              uint64_t header_symbols_offset)
      : file_(&file),
        content_end_(content_end),
        count_(count),
        offsets_(std::move(offsets)),
        index_version_(index_version),
        index_symbols_offset_(index_symbols_offset),
        header_symbols_offset_(header_symbols_offset) {}

  const ReadOnlyFile* file_;
  uint64_t content_end_;  // file offset of the CRC
  uint32_t count_;
  std::vector<uint64_t> offsets_;  // file offsets of symbols 0, 32, 64, ...
  int index_version_;
  uint64_t index_symbols_offset_;   // v1: where the table started in the original index
  uint64_t header_symbols_offset_;  // where it starts in this file
};

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_FILE_SYMBOLS_H_
