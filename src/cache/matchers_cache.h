// MatchersCache: Thanos' matchers cache (--matcher-cache-size, Thanos >= 0.38): compiled regex
// matchers (=~ and !~) kept in an LRU of max_items entries, so a dashboard sending the same
// regex on every refresh compiles it once. = and != matchers are cheap and never cached.
//
// Metrics, with Thanos' names: thanos_matchers_cache_{requests,hits,evicted}_total,
// thanos_matchers_cache_items, thanos_matchers_cache_max_items.
//
// Thread-safety: thread-safe.
#ifndef CHARON_CACHE_MATCHERS_CACHE_H_
#define CHARON_CACHE_MATCHERS_CACHE_H_

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <list>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "tsdb/matcher.h"

namespace charon::cache {

class MatchersCache {
 public:
  // max_items >= 1.
  MatchersCache(int max_items, prometheus::Registry& registry);

  // The matcher, compiled now or earlier. Errors as tsdb::Matcher::Create (never cached).
  absl::StatusOr<tsdb::Matcher> GetOrCreate(tsdb::MatchType type, const std::string& name,
                                            const std::string& value);

  int ItemCount() const;

 private:
  using Entry = std::pair<std::string, tsdb::Matcher>;
  using List = std::list<Entry>;  // front = most recently used

  const size_t max_items_;
  prometheus::Counter& requests_;
  prometheus::Counter& hits_;
  prometheus::Counter& evicted_;
  prometheus::Gauge& items_;

  mutable absl::Mutex mu_;
  List lru_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, List::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_MATCHERS_CACHE_H_
