#include "block/meta_disk_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/atomic_file.h"
#include "base/errno_status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/unique_fd.h"

namespace charon::block {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMetaFilename = "meta.json";

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  base::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
    return base::ErrnoStatus(errno, "open", path);
  }
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::ErrnoStatus(errno, "read", path);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The thanos section's own version: absent or 0 mean 1. meta.json parsed already, so only the
// one field is looked at here.
absl::Status CheckThanosVersion(const std::string& json, const std::string& path) {
  // nlohmann-json reports errors by exception; they stop here.
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    auto t = j.find("thanos");
    if (t == j.end() || !t->is_object()) return absl::OkStatus();
    auto v = t->find("version");
    if (v == t->end() || v->is_null()) return absl::OkStatus();
    if (!v->is_number_integer() || (v->get<int64_t>() != 0 && v->get<int64_t>() != 1)) {
      return absl::DataLossError(absl::StrCat(path, ": unsupported thanos section version"));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<tsdb::BlockMeta> MetaDiskCache::Read(const base::Ulid& id) const {
  const std::string path = absl::StrCat(BlockDir(id), "/", base::Absl(kMetaFilename));
  CHARON_ASSIGN_OR_RETURN(std::string json, ReadWholeFile(path));
  absl::StatusOr<tsdb::BlockMeta> meta = tsdb::ParseBlockMeta(json);
  if (!meta.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", meta.status().message()));
  }
  if (meta->version != 1) {
    return absl::DataLossError(absl::StrCat(path, ": unexpected version ", meta->version));
  }
  CHARON_RETURN_IF_ERROR(CheckThanosVersion(json, path));
  return meta;
}

absl::Status MetaDiskCache::Write(const base::Ulid& id, const tsdb::BlockMeta& meta) const {
  const std::string dir = BlockDir(id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("mkdir ", dir, ": ", ec.message()));
  }
  const std::string path = absl::StrCat(dir, "/", base::Absl(kMetaFilename));
  // A temporary of its own (never a fixed name another writer could share), renamed and synced.
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<base::AtomicFile> out, base::AtomicFile::Create(path));
  CHARON_RETURN_IF_ERROR(out->Append(meta.raw_json));
  return out->Commit();
}

absl::Status MetaDiskCache::Remove(const base::Ulid& id) const {
  std::error_code ec;
  fs::remove_all(BlockDir(id), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("remove ", BlockDir(id), ": ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status MetaDiskCache::RemoveAllExcept(const std::set<base::Ulid>& keep) const {
  std::error_code ec;
  fs::directory_iterator it(dir_, ec);
  if (ec == std::errc::no_such_file_or_directory) return absl::OkStatus();
  std::vector<base::Ulid> stale;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    absl::StatusOr<base::Ulid> id = base::Ulid::Parse(it->path().filename().string());
    if (id.ok() && keep.count(*id) == 0) stale.push_back(*id);
  }
  if (ec) return absl::UnavailableError(absl::StrCat("list ", dir_, ": ", ec.message()));
  absl::Status first;
  for (const base::Ulid& id : stale) {
    absl::Status s = Remove(id);
    if (first.ok()) first = s;
  }
  return first;
}

}  // namespace charon::block
