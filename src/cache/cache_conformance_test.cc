// The Cache conformance suite over the in-process caches; the memcached and redis backends run it
// in their own (e2e) test binaries against real servers.
#include "cache/cache_conformance.h"

#include <prometheus/registry.h>

#include "cache/inmemory_index_cache.h"
#include "cache/lru_cache.h"

namespace charon::cache {
namespace {

// Each cache registers its metrics here; every test makes a new cache, so one registry per
// cache keeps the families apart.
prometheus::Registry& FreshRegistry() {
  static std::vector<std::unique_ptr<prometheus::Registry>>* registries =
      new std::vector<std::unique_ptr<prometheus::Registry>>();
  registries->push_back(std::make_unique<prometheus::Registry>());
  return *registries->back();
}

absl::StatusOr<std::unique_ptr<Cache>> MakeLru() {
  absl::StatusOr<std::unique_ptr<LruCache>> c = LruCache::Create("test", {}, FreshRegistry());
  if (!c.ok()) return c.status();
  return std::unique_ptr<Cache>(std::move(c).value());
}

absl::StatusOr<std::unique_ptr<Cache>> MakeInMemoryIndex() {
  absl::StatusOr<std::unique_ptr<InMemoryIndexCache>> c =
      InMemoryIndexCache::Create({}, FreshRegistry());
  if (!c.ok()) return c.status();
  return std::unique_ptr<Cache>(std::move(c).value());
}

INSTANTIATE_TEST_SUITE_P(InProcess, CacheConformanceTest,
                         ::testing::Values(CacheConformanceParam{"Lru", MakeLru, {}},
                                           CacheConformanceParam{
                                               "InMemoryIndex", MakeInMemoryIndex, {}}),
                         CacheConformanceParamName);

}  // namespace
}  // namespace charon::cache
