#include "e2e/store_metrics_text.h"

#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "e2e/http_get.h"

namespace charon::e2e {

double MetricSum(int http_port, const std::string& name, const std::string& labels) {
  absl::StatusOr<HttpResponse> r =
      HttpGet(absl::StrCat("http://127.0.0.1:", http_port, "/metrics"));
  if (!r.ok()) return -1;
  double sum = 0;
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (!absl::StartsWith(line, name)) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    if (!labels.empty() && !absl::StrContains(line, labels)) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

}  // namespace charon::e2e
