#include "base/tcmalloc.h"

#include <dlfcn.h>

#include <cstdlib>

#include "gperftools/malloc_extension.h"

namespace charon::base {
namespace {

// Looked up, not linked: linking libtcmalloc would make it the allocator of every binary that
// links this library. The C++ entry point is needed for GetHeapSample, which has no C form.
template <typename Fn>
Fn* Lookup(const char* symbol) {
  return reinterpret_cast<Fn*>(dlsym(RTLD_DEFAULT, symbol));
}

MallocExtension* Extension() {
  static MallocExtension* const kExtension = [] {
    auto* instance = Lookup<MallocExtension*()>("_ZN15MallocExtension8instanceEv");
    return instance != nullptr ? instance() : nullptr;
  }();
  return kExtension;
}

}  // namespace

bool TcmallocLinked() { return Extension() != nullptr; }

size_t TcmallocFreeBytes() {
  size_t free_bytes = 0;
  if (MallocExtension* e = Extension())
    e->GetNumericProperty("tcmalloc.pageheap_free_bytes", &free_bytes);
  return free_bytes;
}

void TcmallocReleaseFreeMemory() {
  if (MallocExtension* e = Extension()) e->ReleaseFreeMemory();
}

std::optional<std::string> TcmallocHeapProfile() {
  MallocExtension* e = Extension();
  if (e == nullptr) return std::nullopt;
  static auto* const kRunning = Lookup<int()>("IsHeapProfilerRunning");
  static auto* const kProfile = Lookup<char*()>("GetHeapProfile");
  if (kRunning != nullptr && kProfile != nullptr && kRunning() != 0) {
    char* bytes = kProfile();
    std::string body = bytes != nullptr ? std::string(bytes) : std::string();
    std::free(bytes);
    return body;
  }
  const char* sample = std::getenv("TCMALLOC_SAMPLE_PARAMETER");
  if (sample == nullptr || std::atoll(sample) <= 0) return std::nullopt;
  std::string body;
  e->GetHeapSample(&body);
  return body;
}

}  // namespace charon::base
