// PrometheusApi: the few HTTP API calls the conformance test asks a real Prometheus.
//
// RawSamples evaluates `<selector>[<range>ms]` as an instant query: Prometheus then returns every
// stored sample of every matching series in the range, without lookback or step alignment. The
// range is asked one millisecond wider than [mint, maxt] and trimmed here, so the answer does not
// depend on whether the version treats the range's left end as open (3.x) or closed (2.x).
// Label calls pass start/end as given; Prometheus selects whole blocks by them.
//
// Errors: Unavailable when the server cannot be reached, Internal for a non-"success" answer (its
// error text included) or unexpected JSON. Thread-safe.
#ifndef CHARON_TESTS_E2E_PROMETHEUS_API_H_
#define CHARON_TESTS_E2E_PROMETHEUS_API_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "e2e/series_diff.h"

namespace charon::e2e {

class PrometheusApi {
 public:
  // `base_url` like "http://127.0.0.1:9090", without a trailing '/'.
  explicit PrometheusApi(std::string base_url) : base_url_(std::move(base_url)) {}

  // Samples with mint <= t <= maxt (ms) of the series matching `selector` (PromQL, e.g.
  // `up{job="a"}`). Series without samples in the range are absent.
  absl::StatusOr<SeriesSet> RawSamples(std::string_view selector, int64_t mint, int64_t maxt) const;

  // An instant query at the server's current time: the number of series (vector) or of points
  // (scalar, 1) in the answer. Internal with Prometheus' error text for a bad expression.
  absl::StatusOr<size_t> InstantQuerySize(std::string_view expr) const;

  // /api/v1/labels with one match[] per selector (none: all series), start/end in ms.
  absl::StatusOr<std::vector<std::string>> LabelNames(const std::vector<std::string>& match,
                                                      int64_t start, int64_t end) const;

  // /api/v1/label/<name>/values, otherwise like LabelNames.
  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name,
                                                       const std::vector<std::string>& match,
                                                       int64_t start, int64_t end) const;

 private:
  absl::StatusOr<std::vector<std::string>> StringList(const std::string& path,
                                                      const std::vector<std::string>& match,
                                                      int64_t start, int64_t end) const;

  std::string base_url_;
};

// Seconds with exactly three decimals, as the API's time parameters take them: 1700000000.123.
std::string ApiTime(int64_t ms);

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_PROMETHEUS_API_H_
