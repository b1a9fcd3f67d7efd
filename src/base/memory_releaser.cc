#include "base/memory_releaser.h"

#include "base/tcmalloc.h"

namespace charon::base {

MemoryReleaser::MemoryReleaser(absl::Duration interval, size_t threshold_bytes)
    : thread_([this, interval, threshold_bytes] {
        while (!stop_.WaitForNotificationWithTimeout(interval)) {
          if (TcmallocFreeBytes() > threshold_bytes) TcmallocReleaseFreeMemory();
        }
      }) {}

MemoryReleaser::~MemoryReleaser() {
  stop_.Notify();
  thread_.join();
}

}  // namespace charon::base
