// MetaDiskCache: local copies of meta.json under `<data-dir>/meta-syncer/<ULID>/meta.json`, so a
// restarted store does not download every meta.json again. meta.json is immutable once uploaded,
// so a cached copy never goes stale; it only goes away with its block.
//
// Files are written to a temporary name, fsynced, renamed into place and the directory fsynced,
// so a crash leaves either the old state or the complete file. Thread-safe for distinct IDs;
// RemoveAllExcept must not run concurrently with Write.
#ifndef CHARON_BLOCK_META_DISK_CACHE_H_
#define CHARON_BLOCK_META_DISK_CACHE_H_

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/ulid.h"
#include "tsdb/block_meta.h"

namespace charon::block {

class MetaDiskCache {
 public:
  // `dir` is the meta-syncer directory itself; it is created on first Write.
  explicit MetaDiskCache(std::string dir) : dir_(std::move(dir)) {}

  // NotFound when no copy exists; DataLoss when the copy does not parse or has a version other
  // than 1 (top level or thanos section): the caller should Remove it and refetch; Unavailable on
  // other I/O errors.
  absl::StatusOr<tsdb::BlockMeta> Read(const base::Ulid& id) const;

  // Stores `meta.raw_json` as the copy of block `id`. Unavailable on I/O errors.
  [[nodiscard]] absl::Status Write(const base::Ulid& id, const tsdb::BlockMeta& meta) const;

  // Removes the copy of `id`; OK when there is none.
  [[nodiscard]] absl::Status Remove(const base::Ulid& id) const;

  // Removes every ULID-named directory whose ID is not in `keep`; other entries stay.
  [[nodiscard]] absl::Status RemoveAllExcept(const std::set<base::Ulid>& keep) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string BlockDir(const base::Ulid& id) const { return dir_ + "/" + id.ToString(); }

  std::string dir_;
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_META_DISK_CACHE_H_
