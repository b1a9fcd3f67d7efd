// The store's --data-dir: made usable before anything writes to it, and owned by one store.
//
// Two stores on one directory overwrite each other's index-headers and drop each other's blocks as
// "not in my view", so the directory is locked: an exclusive flock(2) on <data-dir>/charon.lock,
// held for the life of the process (the kernel releases it when the process dies, so a crash never
// leaves a stale lock), with the holder's pid written in the file for the error message of the next
// one.
//
// Not thread-safe; one owner.
#ifndef CHARON_CMD_CHARON_DATA_DIR_H_
#define CHARON_CMD_CHARON_DATA_DIR_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::cmd {

// Creates `dir` (and parents) when missing and proves it writable by creating, writing, syncing and
// removing a uniquely named probe file. FailedPrecondition naming the directory and the errno text
// when it is not a directory, cannot be created or written (read-only mount, permissions, full
// disk).
[[nodiscard]] absl::Status CheckDataDirWritable(const std::string& dir);

class DataDirLock {
 public:
  // Locks `dir`, which must exist. FailedPrecondition when another process holds the lock (the
  // message names the directory and the holder's pid), Unavailable when the lock file cannot be
  // opened.
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(const std::string& dir);

  ~DataDirLock();  // unlocks
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  static constexpr const char* kFileName = "charon.lock";

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_DATA_DIR_H_
