// MemoryReleaser: gives memory that the allocator keeps after large requests back to the OS.
//
// tcmalloc holds freed pages for reuse; after a few large Series answers a store's resident memory
// would stay at its peak for good. Every `interval` this returns the allocator's free pages to the
// OS when they exceed `threshold_bytes` (madvise; the pages are still reusable). Without tcmalloc
// (sanitizer builds) it does nothing. Stops, joining its thread, when destroyed.
#ifndef CHARON_SERVER_HTTP_MEMORY_RELEASER_H_
#define CHARON_SERVER_HTTP_MEMORY_RELEASER_H_

#include <cstddef>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace charon::server::http {

class MemoryReleaser {
 public:
  MemoryReleaser(absl::Duration interval, size_t threshold_bytes);
  ~MemoryReleaser();
  MemoryReleaser(const MemoryReleaser&) = delete;
  MemoryReleaser& operator=(const MemoryReleaser&) = delete;

  // Free bytes the allocator holds right now (0 without tcmalloc).
  static size_t AllocatorFreeBytes();
  // Returns them to the OS now.
  static void ReleaseNow();

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_MEMORY_RELEASER_H_
