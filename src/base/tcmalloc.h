// What Charon asks of tcmalloc: its free page-heap bytes, giving them back, heap profiles.
//
// Only the binary chooses the allocator (cmd/charon links tcmalloc unless CHARON_TCMALLOC=OFF or a
// sanitizer build); libraries look tcmalloc up at run time, so they build and run the same with any
// allocator and simply see none. Thread-safe.
#ifndef CHARON_BASE_TCMALLOC_H_
#define CHARON_BASE_TCMALLOC_H_

#include <cstddef>
#include <optional>
#include <string>

namespace charon::base {

// True when the running process allocates with tcmalloc.
bool TcmallocLinked();

// Bytes of free pages tcmalloc holds for reuse; 0 without tcmalloc.
size_t TcmallocFreeBytes();

// Returns tcmalloc's free pages to the OS (madvise; they stay reusable). No-op without tcmalloc.
void TcmallocReleaseFreeMemory();

// A heap profile in gperftools format: the running heap profiler's (HEAPPROFILE set at start), or
// else the sampled heap when TCMALLOC_SAMPLE_PARAMETER was set at start. nullopt when neither is on
// or tcmalloc is not the allocator.
std::optional<std::string> TcmallocHeapProfile();

}  // namespace charon::base

#endif  // CHARON_BASE_TCMALLOC_H_
