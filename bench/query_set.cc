#include "bench/query_set.h"

#include "absl/strings/str_cat.h"

namespace charon::bench {
namespace {

MatcherSpec Eq(std::string n, std::string v) {
  return {MatchType::kEq, std::move(n), std::move(v)};
}
MatcherSpec Neq(std::string n, std::string v) {
  return {MatchType::kNeq, std::move(n), std::move(v)};
}
MatcherSpec Re(std::string n, std::string v) {
  return {MatchType::kRe, std::move(n), std::move(v)};
}
MatcherSpec Nre(std::string n, std::string v) {
  return {MatchType::kNre, std::move(n), std::move(v)};
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<BenchQuery> QuerySet(const DatasetSize& size) {
  const int64_t mint = size.start_ms(), maxt = size.end_ms();
  auto series = [&](std::string name, std::vector<MatcherSpec> m) {
    BenchQuery q;
    q.name = std::move(name);
    q.matchers = std::move(m);
    q.min_time_ms = mint;
    q.max_time_ms = maxt;
    return q;
  };
  std::vector<BenchQuery> rows;
  rows.push_back(series("selective", {Eq("__name__", "kube_deployment_spec_replicas")}));
  rows.push_back(series("medium", {Eq("__name__", "container_memory_working_set_bytes"),
                                   Re("namespace", "ns-0[0-9]")}));
  rows.push_back(series("broad", {Re("__name__", "http_request_duration_seconds_.*")}));
  rows.push_back(series(
      "regex",
      {Eq("__name__", "container_cpu_usage_seconds_total"), Re("namespace", "ns-0[0-7]|ns-1[2-5]"),
       Re("pod", "(api|web|cache|auth)-.*"), Re("container", "app|istio-.+")}));
  rows.push_back(series(
      "negative", {Eq("__name__", "container_memory_working_set_bytes"), Neq("namespace", "ns-00"),
                   Neq("container", "istio-proxy"), Nre("pod", "worker-.*|cache-.*")}));
  BenchQuery skip = series("series only", {Eq("__name__", "container_memory_working_set_bytes"),
                                           Re("namespace", "ns-0[0-9]")});
  skip.kind = QueryKind::kSeriesSkipChunks;
  rows.push_back(skip);
  BenchQuery names = series("label names", {});
  names.kind = QueryKind::kLabelNames;
  rows.push_back(names);
  BenchQuery values = series("label values", {});
  values.kind = QueryKind::kLabelValues;
  values.label = "pod";
  rows.push_back(values);
  BenchQuery values_m = series("label values+matcher", {Eq("namespace", "ns-01")});
  values_m.kind = QueryKind::kLabelValues;
  values_m.label = "pod";
  rows.push_back(values_m);
  return rows;
}

std::string PromQLSelector(const std::vector<MatcherSpec>& matchers) {
  std::string out = "{";
  for (size_t i = 0; i < matchers.size(); ++i) {
    const MatcherSpec& m = matchers[i];
    static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
    absl::StrAppend(&out, i > 0 ? "," : "", m.name, kOps[static_cast<int>(m.type)], Quote(m.value));
  }
  return out + "}";
}

std::string Describe(const BenchQuery& q) {
  switch (q.kind) {
    case QueryKind::kSeries:
      return PromQLSelector(q.matchers);
    case QueryKind::kSeriesSkipChunks:
      return absl::StrCat(PromQLSelector(q.matchers), " (no chunks)");
    case QueryKind::kLabelNames:
      return q.matchers.empty() ? "label names" : "label names " + PromQLSelector(q.matchers);
    case QueryKind::kLabelValues:
      return absl::StrCat("values of ", q.label,
                          q.matchers.empty() ? "" : " " + PromQLSelector(q.matchers));
  }
  return "";
}

}  // namespace charon::bench
