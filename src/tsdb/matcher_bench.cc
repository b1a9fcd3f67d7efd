// Resolving matchers against 100k label values: the per-value Matches() cost of each strategy, and
// PlanPostings end to end (which narrows prefixed regexes to their range of the sorted values).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tsdb/matcher.h"
#include "tsdb/postings_plan.h"

namespace charon::tsdb {
namespace {

const std::vector<std::string>& Values() {
  static const auto* values = [] {
    auto* out = new std::vector<std::string>;
    char buf[32];
    for (int i = 0; i < 100'000; ++i) {
      std::snprintf(buf, sizeof(buf), "pod-%06d-a%x", i, (i * 2654435761u) & 0xffff);
      out->push_back(buf);
    }
    return out;
  }();
  return *values;
}

const char* const kPatterns[] = {
    "pod-000123-a.*|pod-045678-a.*|x",             // general: alternation with dots
    "pod-000123-a7b|pod-045678-a1|pod-099999-a5",  // set
    "pod-012.*",                                   // prefix then .*
    "pod-012[0-9]+-a.*",                           // prefix then general regex
    ".*-0(1|2)3.*",                                // no prefix
    "(?i)POD-012.*",                               // case-insensitive: no fast path
};

void BM_MatchesPerValue(benchmark::State& state) {
  absl::StatusOr<Matcher> m =
      Matcher::Create(MatchType::kRegexMatch, "pod", kPatterns[state.range(0)]);
  if (!m.ok()) {
    state.SkipWithError("bad pattern");
    return;
  }
  state.SetLabel(m->String());
  const std::vector<std::string>& values = Values();
  for (auto _ : state) {
    size_t n = 0;
    for (const std::string& v : values) n += m->Matches(v);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_MatchesPerValue)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

void BM_PlanPostings(benchmark::State& state) {
  absl::StatusOr<Matcher> m =
      Matcher::Create(MatchType::kRegexMatch, "pod", kPatterns[state.range(0)]);
  if (!m.ok()) {
    state.SkipWithError("bad pattern");
    return;
  }
  state.SetLabel(m->String());
  const std::vector<std::string>& values = Values();
  // The label values function hands out a copy, as an index-header reader would build one.
  LabelValuesFn fn = [&values](std::string_view) -> absl::StatusOr<std::vector<std::string>> {
    return values;
  };
  size_t keys = 0;
  for (auto _ : state) {
    absl::StatusOr<PostingsPlan> plan = PlanPostings(std::span<const Matcher>(&*m, 1), fn);
    keys = plan->groups.empty() ? 0 : plan->groups.back().add_keys.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["keys"] = static_cast<double>(keys);
}
BENCHMARK(BM_PlanPostings)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

// The copy of 100k values the label values function makes: the floor under BM_PlanPostings.
void BM_LabelValuesCopy(benchmark::State& state) {
  const std::vector<std::string>& values = Values();
  for (auto _ : state) {
    std::vector<std::string> copy = values;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_LabelValuesCopy)->Unit(benchmark::kMillisecond);

// Compiling and analysing a matcher, paid once per request and block.
void BM_MakeMatcher(benchmark::State& state) {
  for (auto _ : state) {
    auto m = Matcher::Create(MatchType::kRegexMatch, "pod", kPatterns[state.range(0)]);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MakeMatcher)->DenseRange(0, 5)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace charon::tsdb
