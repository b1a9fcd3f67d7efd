#include "e2e/prometheus_api.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "e2e/http_get.h"
#include "nlohmann/json.hpp"

namespace charon::e2e {
namespace {

using nlohmann::json;

// The "data" member of a successful answer.
absl::StatusOr<json> Data(const std::string& url) {
  CHARON_ASSIGN_OR_RETURN(HttpResponse resp, HttpGet(url));
  json doc = json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InternalError(absl::StrCat("GET ", url, ": HTTP ", resp.status,
                                            ", not JSON: ", resp.body.substr(0, 500)));
  }
  if (doc.value("status", "") != "success" || !doc.contains("data")) {
    return absl::InternalError(
        absl::StrCat("GET ", url, ": HTTP ", resp.status, ": ", resp.body.substr(0, 1000)));
  }
  return doc["data"];
}

// Prometheus writes values as Go's strconv.FormatFloat(v, 'f', -1, 64), +Inf, -Inf or NaN; the
// shortest round-trip form, so strtod gives back the stored bits.
absl::StatusOr<uint64_t> ParseValue(const std::string& s) {
  if (s == "NaN") return absl::InternalError("NaN in the answer; the data set has none");
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') {
    return absl::InternalError(absl::StrCat("bad sample value '", s, "'"));
  }
  return DoubleBits(v);
}

std::string MatchParams(const std::vector<std::string>& match) {
  std::string out;
  for (const std::string& m : match) absl::StrAppend(&out, "&match[]=", UrlEncode(m));
  return out;
}

}  // namespace

std::string ApiTime(int64_t ms) {
  std::string sign = ms < 0 ? "-" : "";
  uint64_t abs = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  return absl::StrFormat("%s%d.%03d", sign, abs / 1000, abs % 1000);
}

absl::StatusOr<size_t> PrometheusApi::InstantQuerySize(std::string_view expr) const {
  const std::string url = absl::StrCat(base_url_, "/api/v1/query?query=", UrlEncode(expr));
  CHARON_ASSIGN_OR_RETURN(json data, Data(url));
  const std::string type = data.value("resultType", "");
  if (type == "scalar" || type == "string") return 1;
  if (!data.contains("result") || !data["result"].is_array()) {
    return absl::InternalError(
        absl::StrCat("query ", base::Absl(expr), ": no result list: ", data.dump()));
  }
  return data["result"].size();
}

absl::StatusOr<SeriesSet> PrometheusApi::RawSamples(std::string_view selector, int64_t mint,
                                                    int64_t maxt) const {
  const int64_t range = maxt - mint + 1;
  std::string query = absl::StrCat(base::Absl(selector), "[", range, "ms]");
  std::string url =
      absl::StrCat(base_url_, "/api/v1/query?query=", UrlEncode(query), "&time=", ApiTime(maxt));
  CHARON_ASSIGN_OR_RETURN(json data, Data(url));
  if (data.value("resultType", "") != "matrix" || !data["result"].is_array()) {
    return absl::InternalError(absl::StrCat("query ", query, ": not a matrix: ", data.dump()));
  }
  SeriesSet out;
  for (const json& series : data["result"]) {
    if (!series.is_object() || !series.contains("metric") || !series["metric"].is_object() ||
        !series.contains("values") || !series["values"].is_array()) {
      return absl::InternalError(absl::StrCat("query ", query, ": bad series ", series.dump()));
    }
    tsdb::Labels labels;
    for (const auto& [name, value] : series["metric"].items()) {
      if (!value.is_string()) return absl::InternalError(absl::StrCat("bad label ", name));
      labels.push_back({name, value.get<std::string>()});
    }
    std::sort(labels.begin(), labels.end());
    std::vector<RawSample> samples;
    for (const json& pair : series["values"]) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_string()) {
        return absl::InternalError(absl::StrCat("bad sample ", pair.dump()));
      }
      int64_t t = std::llround(pair[0].get<double>() * 1000.0);
      if (t < mint || t > maxt) continue;
      CHARON_ASSIGN_OR_RETURN(uint64_t bits, ParseValue(pair[1].get<std::string>()));
      samples.push_back({t, bits});
    }
    if (samples.empty()) continue;
    if (!out.emplace(std::move(labels), std::move(samples)).second) {
      return absl::InternalError(absl::StrCat("query ", query, ": series twice in the answer"));
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> PrometheusApi::StringList(
    const std::string& path, const std::vector<std::string>& match, int64_t start,
    int64_t end) const {
  std::string url = absl::StrCat(base_url_, path, "?start=", ApiTime(start), "&end=", ApiTime(end),
                                 MatchParams(match));
  CHARON_ASSIGN_OR_RETURN(json data, Data(url));
  std::vector<std::string> out;
  if (data.is_null()) return out;
  if (!data.is_array()) return absl::InternalError(absl::StrCat(url, ": not a list"));
  for (const json& s : data) {
    if (!s.is_string()) return absl::InternalError(absl::StrCat(url, ": not a string list"));
    out.push_back(s.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> PrometheusApi::LabelNames(
    const std::vector<std::string>& match, int64_t start, int64_t end) const {
  return StringList("/api/v1/labels", match, start, end);
}

absl::StatusOr<std::vector<std::string>> PrometheusApi::LabelValues(
    std::string_view name, const std::vector<std::string>& match, int64_t start,
    int64_t end) const {
  return StringList(absl::StrCat("/api/v1/label/", UrlEncode(name), "/values"), match, start, end);
}

}  // namespace charon::e2e
