// AtomicFile: writes `path` so that it either appears complete or not at all. Bytes go to a
// temporary file beside it, `<path>.tmp-<pid>-<random>`, created with O_EXCL|O_NOFOLLOW: a name no
// other writer (another thread, another store on the same directory) uses, and never a file or
// link someone planted there. Commit() fsyncs it, renames it over `path` and fsyncs the directory.
// Destroying an uncommitted AtomicFile removes the temporary file, so no error path leaves one
// behind.
//
// Not thread-safe; distinct AtomicFiles for one path may be written concurrently (the last Commit
// wins).
#ifndef CHARON_BASE_ATOMIC_FILE_H_
#define CHARON_BASE_ATOMIC_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::base {

class AtomicFile {
 public:
  // Creates a new temporary file for `path`. NotFound if the directory is missing, Unavailable on
  // other errors.
  static absl::StatusOr<std::unique_ptr<AtomicFile>> Create(const std::string& path);
  // The temporary files of `path` that exist now (any writer's), sorted; empty when the directory
  // cannot be read.
  static std::vector<std::string> Temporaries(const std::string& path);
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
  AtomicFile(int fd, std::string path, std::string tmp_path)
      : fd_(fd), path_(std::move(path)), tmp_path_(std::move(tmp_path)) {}
  const std::string& TmpPath() const { return tmp_path_; }

  int fd_;
  std::string path_;
  std::string tmp_path_;
  uint64_t written_ = 0;
  bool committed_ = false;
};

}  // namespace charon::base

#endif  // CHARON_BASE_ATOMIC_FILE_H_
