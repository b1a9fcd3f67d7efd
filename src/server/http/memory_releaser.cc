#include "server/http/memory_releaser.h"

#ifdef CHARON_HAVE_TCMALLOC
#include "gperftools/malloc_extension.h"
#endif

namespace charon::server::http {

size_t MemoryReleaser::AllocatorFreeBytes() {
#ifdef CHARON_HAVE_TCMALLOC
  size_t free_bytes = 0;
  MallocExtension::instance()->GetNumericProperty("tcmalloc.pageheap_free_bytes", &free_bytes);
  return free_bytes;
#else
  return 0;
#endif
}

void MemoryReleaser::ReleaseNow() {
#ifdef CHARON_HAVE_TCMALLOC
  MallocExtension::instance()->ReleaseFreeMemory();
#endif
}

MemoryReleaser::MemoryReleaser(absl::Duration interval, size_t threshold_bytes)
    : thread_([this, interval, threshold_bytes] {
        while (!stop_.WaitForNotificationWithTimeout(interval)) {
          if (AllocatorFreeBytes() > threshold_bytes) ReleaseNow();
        }
      }) {}

MemoryReleaser::~MemoryReleaser() {
  stop_.Notify();
  thread_.join();
}

}  // namespace charon::server::http
