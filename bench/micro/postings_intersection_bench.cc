// Intersecting raw on-disk postings lists (tsdb/postings.h), as `metric AND namespace` selectors
// do, against the floor of std::set_intersection over the same ids already decoded.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "base/decbuf.h"
#include "tsdb/postings.h"

namespace charon::bench {
namespace {

std::vector<uint32_t> Ids(uint32_t n, uint32_t universe, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> ids(n);
  for (uint32_t& id : ids) id = std::uniform_int_distribution<uint32_t>(0, universe - 1)(rng);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string Body(const std::vector<uint32_t>& ids) {
  std::string b;
  base::PutBe32(&b, static_cast<uint32_t>(ids.size()));
  for (uint32_t id : ids) base::PutBe32(&b, id);
  return b;
}

// range(0), range(1): sizes of the two lists, over 1M series ids.
struct Pair {
  std::vector<uint32_t> a, b;
  std::string body_a, body_b;
};
Pair MakePair(const benchmark::State& state) {
  Pair p;
  p.a = Ids(static_cast<uint32_t>(state.range(0)), 1'000'000, 1);
  p.b = Ids(static_cast<uint32_t>(state.range(1)), 1'000'000, 2);
  p.body_a = Body(p.a);
  p.body_b = Body(p.b);
  return p;
}

void BM_IntersectRawPostings(benchmark::State& state) {
  const Pair p = MakePair(state);
  size_t n = 0;
  for (auto _ : state) {
    std::vector<tsdb::PostingsPtr> its;
    its.push_back(tsdb::RawPostings(p.body_a));
    its.push_back(tsdb::RawPostings(p.body_b));
    tsdb::PostingsPtr it = tsdb::Intersect(std::move(its));
    n = 0;
    while (it->Next()) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.counters["result"] = static_cast<double>(n);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(p.a.size() + p.b.size()));
}
BENCHMARK(BM_IntersectRawPostings)
    ->Args({100'000, 100'000})
    ->Args({10'000, 500'000})
    ->Args({500'000, 500'000});

void BM_Baseline_StdSetIntersection(benchmark::State& state) {
  const Pair p = MakePair(state);
  std::vector<uint32_t> out;
  for (auto _ : state) {
    out.clear();
    std::set_intersection(p.a.begin(), p.a.end(), p.b.begin(), p.b.end(), std::back_inserter(out));
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["result"] = static_cast<double>(out.size());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(p.a.size() + p.b.size()));
}
BENCHMARK(BM_Baseline_StdSetIntersection)
    ->Args({100'000, 100'000})
    ->Args({10'000, 500'000})
    ->Args({500'000, 500'000});

}  // namespace
}  // namespace charon::bench
