// Gap-based range coalescing (store/range_partitioner.h) as the series and chunk loaders use it,
// against the floor of one pass over the same ranges.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "store/range_partitioner.h"

namespace charon::bench {
namespace {

// `n` sorted ranges of 100..400 bytes; gaps mostly small, some over the max gap (sparse picks).
std::vector<store::ByteRange> Ranges(int n, int64_t mean_gap) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> len(100, 400);
  std::exponential_distribution<double> gap(1.0 / static_cast<double>(mean_gap));
  std::vector<store::ByteRange> out;
  out.reserve(static_cast<size_t>(n));
  int64_t pos = 0;
  for (int i = 0; i < n; ++i) {
    pos += static_cast<int64_t>(gap(rng));
    int64_t l = len(rng);
    out.push_back({pos, pos + l});
    pos += l;
  }
  return out;
}

void BM_PartitionRanges(benchmark::State& state) {
  const std::vector<store::ByteRange> ranges =
      Ranges(static_cast<int>(state.range(0)), state.range(1));
  size_t parts = 0;
  for (auto _ : state) {
    std::vector<store::Part> p = store::PartitionRanges(ranges);
    parts = p.size();
    benchmark::DoNotOptimize(p.data());
  }
  state.counters["parts"] = static_cast<double>(parts);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// 100k series entries with dense (2 kB) and sparse (1 MB) mean gaps.
BENCHMARK(BM_PartitionRanges)
    ->Args({100'000, 2'000})
    ->Args({100'000, 1'000'000})
    ->Args({1'000, 2'000});

// Floor: read every range once and write one output record per range.
void BM_Baseline_OnePass(benchmark::State& state) {
  const std::vector<store::ByteRange> ranges =
      Ranges(static_cast<int>(state.range(0)), state.range(1));
  std::vector<store::ByteRange> out;
  for (auto _ : state) {
    out.clear();
    out.reserve(ranges.size());
    for (const store::ByteRange& r : ranges) out.push_back({r.start, r.end});
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Baseline_OnePass)
    ->Args({100'000, 2'000})
    ->Args({100'000, 1'000'000})
    ->Args({1'000, 2'000});

}  // namespace
}  // namespace charon::bench
