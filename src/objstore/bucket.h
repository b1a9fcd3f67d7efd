// Bucket: read access to an object store holding TSDB blocks (filesystem, S3, Azure, GCS, and the
// decorators that wrap them: prefix, metrics, caching, faults).
//
// Object names are '/'-separated paths relative to the bucket root, never starting with '/'.
// Implementations must be thread-safe: queries and the sync loop call them concurrently.
//
// Status codes, the same for every implementation:
//   NotFound         the object does not exist (Get, GetRange, Attributes).
//   InvalidArgument  a name that is empty where an object is required, or would escape the root.
//   Unavailable      backend I/O failed (network, disk, 5xx); the call may succeed if retried.
//   DeadlineExceeded the backend did not answer in time.
#ifndef CHARON_OBJSTORE_BUCKET_H_
#define CHARON_OBJSTORE_BUCKET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::objstore {

struct ObjectAttributes {
  int64_t size = 0;
  absl::Time last_modified = absl::InfinitePast();
};

struct IterOptions {
  // false: only the direct children of `dir`; sub-directories are reported once, with a trailing
  // '/'. true: every object below `dir`, at any depth, never a directory entry.
  bool recursive = false;
};

class Bucket {
 public:
  virtual ~Bucket() = default;

  // Calls `fn` with the full name (from the bucket root) of every entry under `dir` ("" = root;
  // a trailing '/' on `dir` is optional), in ascending byte order. Stops at the first non-OK status
  // returned by `fn` and returns it. A `dir` with nothing under it is not an error: `fn` is not
  // called and OK is returned.
  virtual absl::Status Iter(std::string_view dir,
                            const std::function<absl::Status(std::string_view name)>& fn,
                            IterOptions options = {}) = 0;

  // Whole object.
  virtual absl::StatusOr<std::string> Get(std::string_view name) = 0;

  // Bytes [offset, offset + length) of the object; length < 0 means to the end. A range that runs
  // past the end is cut short at the end (an offset past the end gives an empty string), as S3
  // does. offset < 0 is InvalidArgument.
  virtual absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                               int64_t length) = 0;

  virtual absl::StatusOr<bool> Exists(std::string_view name) = 0;

  virtual absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) = 0;

  // Short description for logs and the `bucket` metric label, e.g. "FILESYSTEM:/data/blocks".
  virtual std::string Name() const = 0;
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_BUCKET_H_
