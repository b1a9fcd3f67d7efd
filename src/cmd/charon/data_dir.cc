#include "cmd/charon/data_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace charon::cmd {
namespace {

absl::Status DirError(const std::string& dir, absl::string_view what, int err) {
  return absl::FailedPreconditionError(
      absl::StrCat("data dir ", dir, " is not usable: ", what, ": ", std::strerror(err)));
}

}  // namespace

absl::Status CheckDataDirWritable(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return DirError(dir, "create", ec.value());
  if (!std::filesystem::is_directory(dir, ec)) return DirError(dir, "not a directory", ENOTDIR);
  // Permission bits alone do not tell (root ignores them; a read-only mount or a full disk does
  // not show in them), so write for real.
  const std::string probe = absl::StrCat(dir, "/.write-probe-", ::getpid());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) {
    // Left by a crashed process that had our pid; it is ours to replace.
    ::unlink(probe.c_str());
    fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  }
  if (fd < 0) return DirError(dir, "create a file", errno);
  // A page, so that a full disk shows up here and not in the first index-header.
  const std::string page(4096, '\0');
  const ssize_t n = ::write(fd, page.data(), page.size());
  const int write_err = errno;
  const int sync_rc = n == static_cast<ssize_t>(page.size()) ? ::fsync(fd) : 0;
  const int sync_err = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (n != static_cast<ssize_t>(page.size()))
    return DirError(dir, "write", n < 0 ? write_err : ENOSPC);
  if (sync_rc != 0) return DirError(dir, "fsync", sync_err);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/", kFileName);
  // O_NOFOLLOW: a link planted in the data dir must not make us open (and write to) its target.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open lock file ", path, ": ", std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {0};
    const ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return absl::UnavailableError(absl::StrCat("cannot lock ", path, ": ", std::strerror(err)));
    }
    std::string holder = n > 0 ? std::string(absl::StripAsciiWhitespace(
                                     absl::string_view(buf, static_cast<size_t>(n))))
                               : "unknown";
    return absl::FailedPreconditionError(
        absl::StrCat("data dir ", dir, " is in use by another store (pid ", holder,
                     "); each store needs a --data-dir of its own"));
  }
  const std::string pid = absl::StrCat(::getpid(), "\n");
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("data dir ", dir, " is not usable: write ", path, ": ", std::strerror(err)));
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() {
  // The pid stays in the file on purpose: truncating after unlocking could erase the pid of a
  // store that took the lock in between.
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace charon::cmd
