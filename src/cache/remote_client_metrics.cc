#include "cache/remote_client_metrics.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::cache {

RemoteClientMetrics::RemoteClientMetrics(std::string_view backend, std::string name,
                                         prometheus::Registry& registry)
    : name_(std::move(name)),
      duration_(
          prometheus::BuildHistogram()
              .Name(absl::StrCat("thanos_", base::Absl(backend), "_operation_duration_seconds"))
              .Help(absl::StrCat("Duration of operations against ", base::Absl(backend), "."))
              .Register(registry)),
      failures_(prometheus::BuildCounter()
                    .Name(absl::StrCat("thanos_", base::Absl(backend), "_operation_failures_total"))
                    .Help(absl::StrCat("Total number of operations against ", base::Absl(backend),
                                       " that failed."))
                    .Register(registry)),
      skipped_(prometheus::BuildCounter()
                   .Name(absl::StrCat("thanos_", base::Absl(backend), "_operation_skipped_total"))
                   .Help(absl::StrCat("Total number of operations against ", base::Absl(backend),
                                      " that have been skipped."))
                   .Register(registry)) {}

prometheus::Histogram& RemoteClientMetrics::Duration(const char* op) {
  return duration_.Add({{"name", name_}, {"operation", op}},
                       prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                               0.2, 0.5, 1, 3, 6, 10});
}

prometheus::Counter& RemoteClientMetrics::Failures(const char* op, const char* reason) {
  return failures_.Add({{"name", name_}, {"operation", op}, {"reason", reason}});
}

prometheus::Counter& RemoteClientMetrics::Skipped(const char* op, const char* reason) {
  return skipped_.Add({{"name", name_}, {"operation", op}, {"reason", reason}});
}

}  // namespace charon::cache
