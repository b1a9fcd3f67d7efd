#include "base/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace charon::base {

namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path) {
  // The pid keeps processes apart, the random part threads and pid reuse; EEXIST only if someone
  // guesses the name, so a few tries are plenty.
  static std::atomic<uint64_t> sequence{std::random_device{}()};
  for (int attempt = 0;; ++attempt) {
    const uint64_t n = sequence.fetch_add(0x9E3779B97F4A7C15ULL) * 0xBF58476D1CE4E5B9ULL;
    std::string tmp = absl::StrCat(path, ".tmp-", ::getpid(), "-", absl::Hex(n, absl::kZeroPad16));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return std::unique_ptr<AtomicFile>(new AtomicFile(fd, path, std::move(tmp)));
    if (errno != EEXIST || attempt == 8) return ErrnoStatus(errno, "create", tmp);
  }
}

std::vector<std::string> AtomicFile::Temporaries(const std::string& path) {
  std::vector<std::string> out;
  const std::string dir = DirName(path);
  const std::string prefix = path.substr(path.rfind('/') + 1) + ".tmp";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(TmpPath().c_str());
}

absl::Status AtomicFile::Append(std::string_view data) {
  if (fd_ < 0) return absl::FailedPreconditionError("append after commit");
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", TmpPath());
    }
    data.remove_prefix(static_cast<size_t>(n));
    written_ += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

absl::Status AtomicFile::Commit() {
  if (fd_ < 0) return absl::FailedPreconditionError("commit called twice");
  if (::fsync(fd_) != 0) return ErrnoStatus(errno, "fsync", TmpPath());
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return ErrnoStatus(errno, "close", TmpPath());
  if (::rename(TmpPath().c_str(), path_.c_str()) != 0) {
    return ErrnoStatus(errno, "rename", TmpPath());
  }
  committed_ = true;
  // The rename is only durable once the directory entry is.
  std::string dir = DirName(path_);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return ErrnoStatus(errno, "open", dir);
  int rc = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (rc != 0) return ErrnoStatus(err, "fsync", dir);
  return absl::OkStatus();
}

}  // namespace charon::base
