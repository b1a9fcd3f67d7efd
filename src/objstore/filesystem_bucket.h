// FilesystemBucket: a Bucket over a local directory (Thanos `type: FILESYSTEM`), for tests, local
// setups and as the reference implementation of the conformance suite.
//
// Object "a/b" is the regular file <root>/a/b. Directories exist only as containers: Get,
// GetRange and Attributes of a directory are NotFound and Exists is false, as for an S3 prefix.
// Unlike S3, an empty directory is still listed (as "name/") by a non-recursive Iter, as Thanos'
// filesystem bucket does. Every call opens its own file descriptor and reads with pread, so the
// bucket holds no mutable state and is thread-safe. Files are read as they are at the time of the
// call; writers should rename complete files into place.
#ifndef CHARON_OBJSTORE_FILESYSTEM_BUCKET_H_
#define CHARON_OBJSTORE_FILESYSTEM_BUCKET_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "objstore/bucket.h"

namespace charon::objstore {

class FilesystemBucket final : public Bucket {
 public:
  // `directory` is made absolute; it need not exist yet (listing a missing root gives nothing).
  // InvalidArgument if empty.
  static absl::StatusOr<std::unique_ptr<FilesystemBucket>> Open(std::string_view directory);

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  // "FILESYSTEM:<absolute root>".
  std::string Name() const override;

  const std::string& root() const { return root_; }

 private:
  explicit FilesystemBucket(std::string root) : root_(std::move(root)) {}
  // Reads [offset, offset + length) clipped to the file; length < 0 reads to the end.
  absl::StatusOr<std::string> Read(std::string_view name, int64_t offset, int64_t length);

  const std::string root_;  // absolute, no trailing '/'
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_FILESYSTEM_BUCKET_H_
