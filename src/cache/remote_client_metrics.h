// RemoteClientMetrics: the metric families every remote cache client exports, with Thanos' names
// for its backend ("memcached", "redis"; label `name` is the client's name):
//   thanos_<backend>_operation_duration_seconds{name,operation}   (successful operations)
//   thanos_<backend>_operation_failures_total{name,operation,reason}
//   thanos_<backend>_operation_skipped_total{name,operation,reason}
// Operations are kGetMulti and kSet.
//
// Thread-safety: thread-safe (prometheus-cpp families are).
#ifndef CHARON_CACHE_REMOTE_CLIENT_METRICS_H_
#define CHARON_CACHE_REMOTE_CLIENT_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>

namespace charon::cache {

inline constexpr char kGetMulti[] = "getmulti";
inline constexpr char kSet[] = "set";

class RemoteClientMetrics {
 public:
  RemoteClientMetrics(std::string_view backend, std::string name, prometheus::Registry& registry);

  prometheus::Histogram& Duration(const char* op);
  prometheus::Counter& Failures(const char* op, const char* reason);
  prometheus::Counter& Skipped(const char* op, const char* reason);

  const std::string& name() const { return name_; }

 private:
  const std::string name_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Counter>& skipped_;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_REMOTE_CLIENT_METRICS_H_
