// AtomicFile: writes `path` so that it either appears complete or not at all. Bytes go to
// `<path>.tmp`; Commit() fsyncs it, renames it over `path` and fsyncs the directory. Destroying an
// uncommitted AtomicFile removes the temporary file, so no error path leaves a .tmp behind.
//
// Not thread-safe.
#ifndef CHARON_INDEXHEADER_ATOMIC_FILE_H_
#define CHARON_INDEXHEADER_ATOMIC_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::indexheader {

class AtomicFile {
 public:
  // Creates (or truncates) `<path>.tmp`. NotFound if the directory is missing, Unavailable on
  // other errors.
  static absl::StatusOr<std::unique_ptr<AtomicFile>> Create(const std::string& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Unavailable on a write error.
  [[nodiscard]] absl::Status Append(std::string_view data);
  uint64_t written() const { return written_; }
  // Makes the file durable under its final name. After an error the temporary file is removed
  // by the destructor. Must be called at most once.
  [[nodiscard]] absl::Status Commit();

 private:
  AtomicFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  std::string TmpPath() const { return path_ + ".tmp"; }

  int fd_;
  std::string path_;
  uint64_t written_ = 0;
  bool committed_ = false;
};

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_ATOMIC_FILE_H_
