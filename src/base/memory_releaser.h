// MemoryReleaser: gives memory that the allocator keeps after large requests back to the OS.
//
// tcmalloc holds freed pages for reuse; after a few large Series answers a store's resident memory
// would stay at its peak for good. Every `interval` this returns the allocator's free pages to the
// OS when they exceed `threshold_bytes` (madvise; the pages are still reusable). Without tcmalloc
// (sanitizer builds, tests) it does nothing. Stops, joining its thread, when destroyed.
#ifndef CHARON_BASE_MEMORY_RELEASER_H_
#define CHARON_BASE_MEMORY_RELEASER_H_

#include <cstddef>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace charon::base {

class MemoryReleaser {
 public:
  MemoryReleaser(absl::Duration interval, size_t threshold_bytes);
  ~MemoryReleaser();
  MemoryReleaser(const MemoryReleaser&) = delete;
  MemoryReleaser& operator=(const MemoryReleaser&) = delete;

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace charon::base

#endif  // CHARON_BASE_MEMORY_RELEASER_H_
