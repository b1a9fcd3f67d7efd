// The object names every bucket accepts, checked the same way by every implementation so that
// filesystem, S3 and Azure buckets reject the same input.
//
// A valid object name is non-empty, does not start or end with '/', has no empty, "." or ".."
// component and no NUL byte. A valid directory (for Iter) is "" or a valid object name, with an
// optional trailing '/'.
#ifndef CHARON_OBJSTORE_OBJECT_NAME_H_
#define CHARON_OBJSTORE_OBJECT_NAME_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace charon::objstore {

// OK or InvalidArgument naming the problem.
[[nodiscard]] absl::Status ValidateObjectName(std::string_view name);

// OK or InvalidArgument; on OK, `*normalized` is "" for the root, else the directory with exactly
// one trailing '/', ready to be a listing prefix.
[[nodiscard]] absl::Status NormalizeDir(std::string_view dir, std::string* normalized);

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_OBJECT_NAME_H_
