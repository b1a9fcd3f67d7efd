// TempDir: a fresh, empty directory that is removed with everything in it when the object dies.
//
// Created under $TEST_TMPDIR, else $TMPDIR, else /tmp. Set CHARON_KEEP_TEMP=1 to keep the directory
// after the test for inspection. Move-only; not thread-safe (one owner), but the directory itself
// may be used from any thread.
#ifndef CHARON_TESTING_TEMP_DIR_H_
#define CHARON_TESTING_TEMP_DIR_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace charon::testing {

class TempDir {
 public:
  // `prefix` becomes the start of the directory's base name. Unavailable if mkdtemp fails.
  static absl::StatusOr<TempDir> Create(std::string_view prefix = "charon");

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  // Absolute path, without a trailing '/'.
  const std::string& path() const { return path_; }
  // path() + "/" + relative.
  std::string Path(std::string_view relative) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;
};

// Writes `contents` to `path`, creating missing parent directories. Unavailable on I/O errors.
absl::Status WriteFile(const std::string& path, std::string_view contents);

// Whole file. NotFound if it does not exist, Unavailable on other I/O errors.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace charon::testing

#endif  // CHARON_TESTING_TEMP_DIR_H_
