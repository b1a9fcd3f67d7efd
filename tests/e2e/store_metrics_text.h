// Reading a running store's /metrics as the e2e tests need it.
#ifndef CHARON_TESTS_E2E_STORE_METRICS_TEXT_H_
#define CHARON_TESTS_E2E_STORE_METRICS_TEXT_H_

#include <string>

namespace charon::e2e {

// The sum of the samples of metric `name` (exactly that name, any labels) whose label text
// contains `labels` ("" = all), on the /metrics page at `http_port`; -1 when the page cannot be
// read.
double MetricSum(int http_port, const std::string& name, const std::string& labels = "");

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_STORE_METRICS_TEXT_H_
