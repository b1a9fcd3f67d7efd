#include "e2e/conformance_data.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace charon::e2e {
namespace {

using testing::BlockBuilder;
using testing::Sample;
using tsdb::Labels;

// How a series' value moves with time.
enum class Shape {
  kCounter,   // whole steps per minute plus an offset: long runs of equal XOR deltas
  kGauge,     // full-mantissa values, timestamps jittered by a few ms like real scrapes
  kConstant,  // always 1
  kSpecial,   // cycles through float edge cases
  kSparse,    // every 10 minutes, plus samples 1 ms either side of each 2h block edge
};

struct SeriesSpec {
  Labels labels;
  Shape shape = Shape::kGauge;
  int64_t from = 0;  // offset from t0 where the series starts
  int64_t to = 6 * kHourMs;
};

constexpr int64_t kGridMs = 30 * 1000;  // every nominal timestamp is on this grid

uint64_t Fnv1a(const Labels& labels) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
    h ^= 0xFF;
    h *= 1099511628211ull;
  };
  for (const tsdb::Label& l : labels) {
    mix(l.name);
    mix(l.value);
  }
  return h;
}

const std::vector<double>& SpecialValues() {
  static const std::vector<double> kValues = {0.1,      -0.0,
                                              0.0,      1e308,
                                              -1e-308,  std::numeric_limits<double>::denorm_min(),
                                              INFINITY, -INFINITY,
                                              1.0 / 3,  123456789.123456789,
                                              -2.5,     9007199254740993.0,
                                              1e-7,     -123.456,
                                              42};
  return kValues;
}

double Value(Shape shape, uint64_t seed, int64_t offset) {
  const int64_t grid = offset / kGridMs;
  switch (shape) {
    case Shape::kCounter:
      return static_cast<double>((offset / kMinuteMs) * static_cast<int64_t>(1 + seed % 5)) +
             static_cast<double>(seed % 97) * 0.125;
    case Shape::kGauge:
      return std::sin(static_cast<double>(seed % 1000) * 0.001 +
                      static_cast<double>(offset) / 3.6e6) *
             static_cast<double>(1 + seed % 1000);
    case Shape::kConstant:
      return 1;
    case Shape::kSpecial:
      return SpecialValues()[static_cast<size_t>(grid) % SpecialValues().size()];
    case Shape::kSparse:
      return static_cast<double>(offset) / 1000.0;
  }
  return 0;
}

std::vector<SeriesSpec> Specs() {
  std::vector<SeriesSpec> out;
  auto add = [&out](Labels labels, Shape shape, int64_t from = 0, int64_t to = 6 * kHourMs) {
    out.push_back({std::move(labels), shape, from, to});
  };
  for (int i = 1; i <= 4; ++i) {
    for (const char* method : {"GET", "POST", "DELETE"}) {
      for (const char* code : {"200", "404", "500"}) {
        add({{"__name__", "http_requests_total"},
             {"job", "api"},
             {"instance", absl::StrCat("10.0.0.", i, ":9090")},
             {"method", method},
             {"code", code}},
            Shape::kCounter);
      }
    }
    add({{"__name__", "up"}, {"job", "api"}, {"instance", absl::StrCat("10.0.0.", i, ":9090")}},
        Shape::kConstant);
  }
  for (int host = 1; host <= 2; ++host) {
    for (int cpu = 0; cpu < 4; ++cpu) {
      for (const char* mode : {"idle", "user", "system"}) {
        add({{"__name__", "node_cpu_seconds_total"},
             {"job", "node"},
             {"instance", absl::StrCat("host-", host)},
             {"cpu", absl::StrCat(cpu)},
             {"mode", mode}},
            Shape::kCounter);
      }
    }
    add({{"__name__", "up"}, {"job", "node"}, {"instance", absl::StrCat("host-", host)}},
        Shape::kConstant);
  }
  // A series set whose label sets are proper prefixes of each other.
  add({{"__name__", "m"}}, Shape::kGauge);
  add({{"__name__", "m"}, {"a", "1"}}, Shape::kGauge);
  add({{"__name__", "m"}, {"a", "1"}, {"b", "2"}}, Shape::kGauge);
  add({{"__name__", "m"}, {"a", "10"}}, Shape::kGauge);
  // An empty value is no label at all: weird{} is the series without `path`.
  for (const char* path :
       {"a.b*c", "(x|y)", "[abc]", "^start$", "back\\slash", "quote\"d", "ünïcødé", "日本語",
        "emoji 🚀", "line\nbreak", "tab\there", "$dollar", "a+b?", "{brace}", ""}) {
    add({{"__name__", "weird"}, {"path", path}}, Shape::kGauge);
  }
  for (const char* kind : {"Foo", "foo", "FOO", "fOo2", "bar"}) {
    add({{"__name__", "case_test"}, {"kind", kind}}, Shape::kGauge);
  }
  add({{"__name__", "svc_info"}, {"env", "prod"}, {"team", "a"}}, Shape::kConstant);
  add({{"__name__", "svc_info"}, {"team", "b"}}, Shape::kConstant);
  add({{"__name__", "svc_info"}, {"env", "dev"}}, Shape::kConstant);
  add({{"__name__", "special_values"}}, Shape::kSpecial);
  add({{"__name__", "sparse"}, {"job", "edge"}}, Shape::kSparse);
  add({{"__name__", "mid_only"}, {"job", "batch"}, {"batch_id", "7"}}, Shape::kGauge, 2 * kHourMs,
      4 * kHourMs);
  return out;
}

// The group's samples of one series; `seed_labels` include the external labels, so groups differ
// but us-early and us-late agree.
std::vector<Sample> Samples(const SeriesSpec& spec, const BlockGroup& g, int64_t t0,
                            uint64_t seed) {
  const int64_t from = std::max(g.start_ms, t0 + spec.from);
  const int64_t to = std::min(g.end_ms, t0 + spec.to);
  std::vector<Sample> out;
  if (spec.shape == Shape::kSparse) {
    for (int64_t t = from; t < to; t += 10 * kMinuteMs) {
      out.push_back({t, Value(spec.shape, seed, t - t0)});
    }
    for (int64_t edge = t0 + 2 * kHourMs; edge < t0 + 6 * kHourMs; edge += 2 * kHourMs) {
      for (int64_t t : {edge - 1, edge + 1}) {
        if (t >= from && t < to) out.push_back({t, Value(spec.shape, seed, t - t0)});
      }
    }
    std::sort(out.begin(), out.end(), [](const Sample& a, const Sample& b) { return a.t < b.t; });
    return out;
  }
  for (int64_t t = from; t < to; t += g.step_ms) {
    int64_t jitter = 0;
    if (spec.shape == Shape::kGauge) {
      jitter = static_cast<int64_t>((seed + static_cast<uint64_t>((t - t0) / kGridMs) * 7) % 13);
    }
    out.push_back({t + jitter, Value(spec.shape, seed, t - t0)});
  }
  return out;
}

Labels WithExternal(Labels labels, const std::map<std::string, std::string>& ext) {
  for (const auto& [name, value] : ext) labels.push_back({name, value});
  std::sort(labels.begin(), labels.end());
  return labels;
}

}  // namespace

int64_t DayAlignedStart(int days_back) {
  constexpr int64_t kDayMs = 24 * kHourMs;
  int64_t now = absl::ToUnixMillis(absl::Now());
  return (now / kDayMs - days_back) * kDayMs;
}

ConformanceData::ConformanceData(int64_t t0) : t0_(t0) {
  groups_.push_back({"eu",
                     {{"cluster", "eu"}, {"replica", "a"}},
                     t0,
                     t0 + 6 * kHourMs,
                     kMinuteMs,
                     /*histograms=*/true,
                     /*prometheus_builder=*/0});
  groups_.push_back({"us-early",
                     {{"cluster", "us"}},
                     t0,
                     t0 + 4 * kHourMs,
                     kMinuteMs,
                     /*histograms=*/true,
                     /*prometheus_builder=*/0});
  groups_.push_back({"us-late",
                     {{"cluster", "us"}},
                     t0 + 3 * kHourMs,
                     t0 + 6 * kHourMs,
                     kMinuteMs / 2,
                     /*histograms=*/false,
                     /*prometheus_builder=*/1});
}

void ConformanceData::AddGroup(const BlockGroup& g, bool labels_in_series, BlockBuilder& b) const {
  const std::map<std::string, std::string> none;
  const auto& series_ext = labels_in_series ? g.external_labels : none;
  for (const SeriesSpec& spec : Specs()) {
    std::vector<Sample> samples =
        Samples(spec, g, t0_, Fnv1a(WithExternal(spec.labels, g.external_labels)));
    if (!samples.empty()) b.AddSeries(WithExternal(spec.labels, series_ext), std::move(samples));
  }
  if (g.histograms) {
    const int count = static_cast<int>((g.end_ms - g.start_ms) / g.step_ms);
    for (const char* handler : {"/api/v1/query", "/metrics"}) {
      b.AddHistogram("request_duration_seconds",
                     WithExternal({{"job", "api"}, {"handler", handler}}, series_ext),
                     {0.005, 0.05, 0.5, 1, 5}, g.start_ms, g.step_ms, count);
    }
  }
}

std::vector<BlockBuilder> ConformanceData::BucketBuilders() const {
  std::vector<BlockBuilder> out;
  for (const BlockGroup& g : groups_) {
    BlockBuilder b;
    AddGroup(g, /*labels_in_series=*/false, b);
    testing::ThanosMetaOptions meta;
    meta.external_labels = g.external_labels;
    meta.source = "sidecar";
    b.SetThanosMeta(std::move(meta));
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<BlockBuilder> ConformanceData::PrometheusBuilders() const {
  std::vector<BlockBuilder> out;
  for (const BlockGroup& g : groups_) {
    if (out.size() <= static_cast<size_t>(g.prometheus_builder)) {
      out.resize(static_cast<size_t>(g.prometheus_builder) + 1);
    }
    AddGroup(g, /*labels_in_series=*/true, out[static_cast<size_t>(g.prometheus_builder)]);
  }
  return out;
}

testing::SeriesSamples ConformanceData::Expected() const {
  testing::SeriesSamples out;
  for (const BlockBuilder& b : PrometheusBuilders()) {
    for (auto& [labels, samples] : b.Expected()) {
      std::vector<Sample>& dst = out[labels];
      for (const Sample& s : samples) {
        auto it = std::lower_bound(dst.begin(), dst.end(), s,
                                   [](const Sample& a, const Sample& b) { return a.t < b.t; });
        if (it == dst.end() || it->t != s.t) dst.insert(it, s);
      }
    }
  }
  return out;
}

}  // namespace charon::e2e
