#include "cache/matchers_cache.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace charon::cache {
namespace {

prometheus::Counter& CounterOf(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}
prometheus::Gauge& GaugeOf(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}

}  // namespace

MatchersCache::MatchersCache(int max_items, prometheus::Registry& registry)
    : max_items_(static_cast<size_t>(std::max(max_items, 1))),
      requests_(CounterOf(registry, "thanos_matchers_cache_requests_total",
                          "Total number of cache requests for series matchers")),
      hits_(CounterOf(registry, "thanos_matchers_cache_hits_total",
                      "Total number of cache hits for series matchers")),
      evicted_(CounterOf(registry, "thanos_matchers_cache_evicted_total",
                         "Total number of items evicted from the cache")),
      items_(GaugeOf(registry, "thanos_matchers_cache_items", "Total number of cached items")) {
  GaugeOf(registry, "thanos_matchers_cache_max_items", "Maximum number of items that can be cached")
      .Set(static_cast<double>(max_items_));
}

absl::StatusOr<tsdb::Matcher> MatchersCache::GetOrCreate(tsdb::MatchType type,
                                                         const std::string& name,
                                                         const std::string& value) {
  if (type != tsdb::MatchType::kRegexMatch && type != tsdb::MatchType::kRegexNoMatch) {
    return tsdb::Matcher::Create(type, name, value);
  }
  requests_.Increment();
  // Unambiguous whatever bytes the name holds: type, name length, name, value.
  std::string key = absl::StrCat(static_cast<int>(type), ":", name.size(), ":", name, value);
  {
    absl::MutexLock lock(&mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      hits_.Increment();
      return it->second->second;
    }
  }
  // Compiled outside the lock: a slow regex does not hold up other requests.
  absl::StatusOr<tsdb::Matcher> m = tsdb::Matcher::Create(type, name, value);
  if (!m.ok()) return m.status();
  absl::MutexLock lock(&mu_);
  if (index_.contains(key)) return *m;  // another request compiled it meanwhile
  lru_.emplace_front(key, *m);
  index_.emplace(std::move(key), lru_.begin());
  while (lru_.size() > max_items_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
    evicted_.Increment();
  }
  items_.Set(static_cast<double>(lru_.size()));
  return m;
}

int MatchersCache::ItemCount() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(lru_.size());
}

}  // namespace charon::cache
