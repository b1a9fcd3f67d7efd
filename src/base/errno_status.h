// ErrnoStatus: a failed system call as a Status: "<what> <path>: <strerror>", NotFound when the
// path (or a directory on it) does not exist, Unavailable otherwise (the disk may come back).
#ifndef CHARON_BASE_ERRNO_STATUS_H_
#define CHARON_BASE_ERRNO_STATUS_H_

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::base {

inline absl::Status ErrnoStatus(int err, std::string_view what, std::string_view path) {
  std::string msg = absl::StrCat(Absl(what), " ", Absl(path), ": ", std::strerror(err));
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(msg);
  return absl::UnavailableError(msg);
}

}  // namespace charon::base

#endif  // CHARON_BASE_ERRNO_STATUS_H_
