#include "objstore/filesystem_bucket.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/errno_status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/unique_fd.h"
#include "objstore/object_name.h"

namespace charon::objstore {
namespace {

namespace fs = std::filesystem;

absl::Status NotFound(std::string_view name) {
  return absl::NotFoundError(absl::StrCat("object ", base::Absl(name), " not found"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<FilesystemBucket>> FilesystemBucket::Open(
    std::string_view directory) {
  if (directory.empty()) return absl::InvalidArgumentError("filesystem bucket: empty directory");
  std::error_code ec;
  fs::path root = fs::absolute(fs::path(directory), ec).lexically_normal();
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("filesystem bucket: bad directory ",
                                                   base::Absl(directory), ": ", ec.message()));
  }
  std::string s = root.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return std::unique_ptr<FilesystemBucket>(new FilesystemBucket(std::move(s)));
}

std::string FilesystemBucket::Name() const { return absl::StrCat("FILESYSTEM:", root_); }

absl::Status FilesystemBucket::Iter(std::string_view dir,
                                    const std::function<absl::Status(std::string_view)>& fn,
                                    IterOptions options) {
  std::string prefix;
  CHARON_RETURN_IF_ERROR(NormalizeDir(dir, &prefix));
  fs::path base = prefix.empty() ? fs::path(root_) : fs::path(root_) / prefix;
  std::vector<std::string> names;
  std::error_code ec;
  if (options.recursive) {
    fs::recursive_directory_iterator it(base, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec)) continue;
      names.push_back(
          absl::StrCat(prefix, fs::relative(it->path(), base, type_ec).generic_string()));
    }
  } else {
    fs::directory_iterator it(base, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      std::string name = absl::StrCat(prefix, it->path().filename().string());
      if (it->is_directory(type_ec)) {
        names.push_back(name + "/");
      } else if (it->is_regular_file(type_ec)) {
        names.push_back(std::move(name));
      }
    }
  }
  if (ec) {
    // A directory that does not exist (or is a file) has nothing under it.
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return absl::OkStatus();
    }
    return absl::UnavailableError(
        absl::StrCat("listing ", base::Absl(dir), " in ", Name(), ": ", ec.message()));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) CHARON_RETURN_IF_ERROR(fn(name));
  return absl::OkStatus();
}

absl::StatusOr<std::string> FilesystemBucket::Read(std::string_view name, int64_t offset,
                                                   int64_t length) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  if (offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative offset ", offset, " for ", base::Absl(name)));
  }
  std::string path = absl::StrCat(root_, "/", base::Absl(name));
  base::UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFound(name);
    return base::ErrnoStatus(errno, "opening", name);
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return base::ErrnoStatus(errno, "stat", name);
  if (!S_ISREG(st.st_mode)) return NotFound(name);
  int64_t size = st.st_size;
  if (offset >= size) return std::string();
  int64_t want = length < 0 ? size - offset : std::min(length, size - offset);
  std::string out(static_cast<size_t>(want), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = pread(fd.get(), out.data() + done, out.size() - done,
                      static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::ErrnoStatus(errno, "reading", name);
    }
    if (n == 0) break;  // the file shrank since fstat
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

absl::StatusOr<std::string> FilesystemBucket::Get(std::string_view name) {
  return Read(name, 0, -1);
}

absl::StatusOr<std::string> FilesystemBucket::GetRange(std::string_view name, int64_t offset,
                                                       int64_t length) {
  return Read(name, offset, length);
}

absl::StatusOr<bool> FilesystemBucket::Exists(std::string_view name) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  std::string path = absl::StrCat(root_, "/", base::Absl(name));
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return base::ErrnoStatus(errno, "stat", name);
  }
  return S_ISREG(st.st_mode);
}

absl::StatusOr<ObjectAttributes> FilesystemBucket::Attributes(std::string_view name) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  std::string path = absl::StrCat(root_, "/", base::Absl(name));
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return NotFound(name);
    return base::ErrnoStatus(errno, "stat", name);
  }
  if (!S_ISREG(st.st_mode)) return NotFound(name);
  ObjectAttributes attrs;
  attrs.size = st.st_size;
  attrs.last_modified = absl::TimeFromTimespec(st.st_mtim);
  return attrs;
}

}  // namespace charon::objstore
