// The ready-made fixture sets declared in block_fixtures.h.
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "testing/block_fixtures.h"

namespace charon::testing {

BlockBuilder FewSeriesManySamples() {
  constexpr int64_t kStep = 15'000;
  constexpr int kCount = 2 * 24 * 3600 / 15;
  BlockBuilder b;
  for (int s = 0; s < 10; ++s) {
    tsdb::Labels ls = {{"__name__", "fixture_few_series"},
                       {"job", "fixture"},
                       {"instance", absl::StrCat("host-", s % 3)},
                       {"series", absl::StrCat(s)}};
    // Mix of integer counters, slowly varying floats and noisy floats, so XOR chunks see all of
    // their encodings.
    b.AddRegularSeries(std::move(ls), kFixtureStartMs, kStep, kCount, [s](int i) {
      switch (s % 3) {
        case 0:
          return static_cast<double>(i * (s + 1));
        case 1:
          return 100.0 + std::sin(i / 50.0) * s;
        default:
          return static_cast<double>((i * 7919 + s) % 1000) / 8.0;
      }
    });
  }
  return b;
}

BlockBuilder ManySeriesFewSamples() {
  BlockBuilder b;
  for (int i = 0; i < 100'000; ++i) {
    tsdb::Labels ls = {{"__name__", "fixture_many_series"},
                       {"job", i % 2 == 0 ? "even" : "odd"},
                       {"mod10", absl::StrCat(i % 10)},
                       {"mod100", absl::StrCat(i % 100)},
                       {"i", absl::StrCat(i)}};
    b.AddRegularSeries(std::move(ls), kFixtureStartMs, 30'000, 3,
                       [i](int k) { return static_cast<double>(i + k); });
  }
  return b;
}

BlockBuilder TrickyLabels() {
  BlockBuilder b;
  const std::string values[] = {
      "quote\"inside",
      "back\\slash",
      "trailing backslash\\",
      "new\nline",
      "tab\there",
      "control\x01char",
      "ünïcødé ✓ 😀 日本語",
      "soft\u00adhyphen",
      "{braces}, \"comma\"",
      "\", injected=\"x",
      " leading and trailing spaces ",
      std::string(10'000, 'x'),
  };
  int n = 0;
  for (const std::string& v : values) {
    b.AddRegularSeries({{"__name__", "tricky_value"}, {"case", absl::StrCat(n++)}, {"v", v}},
                       kFixtureStartMs, 60'000, 5);
  }
  // Empty values are dropped by promtool: stored as {__name__="tricky_empty", k="v"}.
  b.AddRegularSeries({{"__name__", "tricky_empty"}, {"empty", ""}, {"k", "v"}}, kFixtureStartMs,
                     60'000, 5);
  b.AddRegularSeries({{"__name__", "tricky:recording_rule"}, {"_underscore", "1"}}, kFixtureStartMs,
                     60'000, 5);
  const double specials[] = {std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             -0.0,
                             std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::max(),
                             1e-300,
                             0.1 + 0.2};
  std::vector<Sample> samples;
  int64_t t = kFixtureStartMs + 123;  // off the second, to check ms precision
  for (double v : specials) samples.push_back({t += 1001, v});
  b.AddSeries({{"__name__", "tricky_special_values"}}, std::move(samples));
  b.AddHistogram("tricky_latency_seconds", {{"job", "fixture"}}, {0.005, 0.1, 1, 10},
                 kFixtureStartMs, 60'000, 20);
  return b;
}

BlockBuilder AdjacentBlocks() {
  BlockBuilder b;
  b.AddRegularSeries({{"__name__", "adjacent"}, {"span", "all"}}, kFixtureStartMs, 60'000, 3 * 120,
                     [](int i) { return i * 0.5; });
  b.AddRegularSeries({{"__name__", "adjacent"}, {"span", "middle"}}, kFixtureStartMs + kTwoHoursMs,
                     60'000, 120);
  b.AddSeries({{"__name__", "adjacent"}, {"span", "edges"}},
              {{kFixtureStartMs, 1},
               {kFixtureStartMs + kTwoHoursMs - 1, 2},
               {kFixtureStartMs + kTwoHoursMs, 3},
               {kFixtureStartMs + 2 * kTwoHoursMs - 1, 4},
               {kFixtureStartMs + 2 * kTwoHoursMs, 5},
               {kFixtureStartMs + 3 * kTwoHoursMs - 1, 6}});
  return b;
}

}  // namespace charon::testing
