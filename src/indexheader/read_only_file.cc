#include "indexheader/read_only_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/errno_status.h"

namespace charon::indexheader {

absl::StatusOr<std::unique_ptr<ReadOnlyFile>> ReadOnlyFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::ErrnoStatus(errno, "open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return base::ErrnoStatus(err, "stat", path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("not a regular file: ", path));
  }
  return std::unique_ptr<ReadOnlyFile>(
      new ReadOnlyFile(fd, static_cast<uint64_t>(st.st_size), path));
}

ReadOnlyFile::~ReadOnlyFile() { ::close(fd_); }

absl::Status ReadOnlyFile::ReadAt(uint64_t offset, size_t n, char* dst) const {
  if (offset > size_ || n > size_ - offset) {
    return absl::DataLossError(absl::StrCat("read of ", n, " bytes at ", offset,
                                            " past the end of ", path_, " (size ", size_, ")"));
  }
  while (n > 0) {
    ssize_t got = ::pread(fd_, dst, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return base::ErrnoStatus(errno, "pread", path_);
    }
    if (got == 0) {
      return absl::DataLossError(absl::StrCat("unexpected end of ", path_, " at ", offset));
    }
    dst += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> ReadOnlyFile::Crc32cOf(uint64_t offset, uint64_t n) const {
  // 1 MiB keeps the syscall count low without a large allocation.
  constexpr uint64_t kChunk = 1 << 20;
  std::vector<char> buf(static_cast<size_t>(std::min(n, kChunk)));
  uint32_t crc = 0;
  while (n > 0) {
    size_t len = static_cast<size_t>(std::min(n, kChunk));
    absl::Status s = ReadAt(offset, len, buf.data());
    if (!s.ok()) return s;
    crc = base::Crc32cExtend(crc, std::string_view(buf.data(), len));
    offset += len;
    n -= len;
  }
  return crc;
}

}  // namespace charon::indexheader
