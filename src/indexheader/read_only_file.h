// ReadOnlyFile: a local file opened for positional reads (pread). It owns the descriptor and closes
// it on destruction. The index-header reader keeps one open per block and serves every lookup from
// it without holding the file in memory.
//
// Thread-safe: ReadAt only uses pread, which carries its own offset, so concurrent calls are fine.
#ifndef CHARON_INDEXHEADER_READ_ONLY_FILE_H_
#define CHARON_INDEXHEADER_READ_ONLY_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::indexheader {

class ReadOnlyFile {
 public:
  // NotFound if `path` does not exist, Unavailable for other open/stat errors.
  static absl::StatusOr<std::unique_ptr<ReadOnlyFile>> Open(const std::string& path);
  ~ReadOnlyFile();
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  // Size at open time. The file is expected not to change while open.
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Fills dst[0, n) with the bytes at [offset, offset + n). DataLoss if the range runs past the
  // end of the file, Unavailable on an I/O error.
  [[nodiscard]] absl::Status ReadAt(uint64_t offset, size_t n, char* dst) const;

  // CRC-32C of [offset, offset + n), read in bounded chunks (never the whole range at once).
  absl::StatusOr<uint32_t> Crc32cOf(uint64_t offset, uint64_t n) const;

 private:
  ReadOnlyFile(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}

  int fd_;
  uint64_t size_;
  std::string path_;
};

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_READ_ONLY_FILE_H_
