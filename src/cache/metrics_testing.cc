#include "cache/metrics_testing.h"

#include "absl/time/clock.h"

namespace charon::cache {

double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : m.label) got[l.name] = l.value;
      bool match = true;
      for (const auto& [k, v] : labels) match = match && got[k] == v;
      if (match) {
        sum += m.counter.value + m.gauge.value + static_cast<double>(m.histogram.sample_count);
      }
    }
  }
  return sum;
}

bool Eventually(const std::function<bool()>& fn, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (fn()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

}  // namespace charon::cache
