// Test helpers for the caches' tests: reading a metric back from a registry, and waiting for a
// condition (a server that comes back) without asserting on time.
#ifndef CHARON_CACHE_METRICS_TESTING_H_
#define CHARON_CACHE_METRICS_TESTING_H_

#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <string>

#include "absl/time/time.h"

namespace charon::cache {

// The sum, over the series of family `name` whose labels include `labels`, of their counter,
// gauge and histogram sample count: 0 when none matches.
double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels = {});

// Polls `fn` every 50 ms until it is true (then true) or `timeout` passed (then false).
bool Eventually(const std::function<bool()>& fn, absl::Duration timeout = absl::Seconds(20));

}  // namespace charon::cache

#endif  // CHARON_CACHE_METRICS_TESTING_H_
