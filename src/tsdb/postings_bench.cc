// Postings algebra over raw on-disk list bodies (zero-copy, as the store reads them).
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "tsdb/postings.h"

namespace charon::tsdb {
namespace {

constexpr uint32_t kMillion = 1'000'000;

std::string Body(const std::vector<uint32_t>& ids) {
  std::string b;
  b.reserve(4 + 4 * ids.size());
  base::PutBe32(&b, static_cast<uint32_t>(ids.size()));
  for (uint32_t id : ids) base::PutBe32(&b, id);
  return b;
}

// `n` sorted ids drawn from [0, universe) with a fixed seed.
std::vector<uint32_t> RandomIds(uint32_t n, uint32_t universe, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> ids;
  ids.reserve(n);
  // Selection sampling keeps the output sorted without a set.
  uint32_t left = n;
  for (uint32_t v = 0; v < universe && left > 0; ++v) {
    if (std::uniform_int_distribution<uint32_t>(0, universe - v - 1)(rng) < left) {
      ids.push_back(v);
      --left;
    }
  }
  return ids;
}

// Two 1M-entry lists over 2M ids: about half of each list overlaps.
const std::vector<std::string>& Dense() {
  static const auto* bodies = new std::vector<std::string>{
      Body(RandomIds(kMillion, 2 * kMillion, 1)), Body(RandomIds(kMillion, 2 * kMillion, 2)),
      Body(RandomIds(kMillion, 2 * kMillion, 3))};
  return *bodies;
}

// 1M-entry lists that share only every 1000th id.
const std::vector<std::string>& Sparse() {
  static const auto* bodies = [] {
    auto* out = new std::vector<std::string>;
    for (uint32_t k = 0; k < 3; ++k) {
      std::vector<uint32_t> ids(kMillion);
      for (uint32_t i = 0; i < kMillion; ++i) ids[i] = 3 * i + (i % 1000 == 0 ? 0 : k);
      out->push_back(Body(ids));
    }
    return out;
  }();
  return *bodies;
}

void RunIntersect(benchmark::State& state, const std::vector<std::string>& bodies, size_t k) {
  size_t n = 0;
  for (auto _ : state) {
    std::vector<PostingsPtr> its;
    for (size_t i = 0; i < k; ++i) its.push_back(RawPostings(bodies[i]));
    PostingsPtr p = Intersect(std::move(its));
    n = 0;
    while (p->Next()) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.counters["result"] = static_cast<double>(n);
  state.SetItemsProcessed(state.iterations() * k * kMillion);
}

void BM_IntersectTwoDense(benchmark::State& state) { RunIntersect(state, Dense(), 2); }
void BM_IntersectThreeDense(benchmark::State& state) { RunIntersect(state, Dense(), 3); }
void BM_IntersectTwoSparse(benchmark::State& state) { RunIntersect(state, Sparse(), 2); }
void BM_IntersectThreeSparse(benchmark::State& state) { RunIntersect(state, Sparse(), 3); }
BENCHMARK(BM_IntersectTwoDense)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntersectThreeDense)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntersectTwoSparse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IntersectThreeSparse)->Unit(benchmark::kMillisecond);

// A short list against a 1M-entry one: cost should follow the short side.
void BM_IntersectSmallWithLarge(benchmark::State& state) {
  const std::string small = Body(RandomIds(static_cast<uint32_t>(state.range(0)), 2 * kMillion, 9));
  const std::string& large = Dense()[0];
  for (auto _ : state) {
    std::vector<PostingsPtr> its;
    its.push_back(RawPostings(large));
    its.push_back(RawPostings(small));
    PostingsPtr p = Intersect(std::move(its));
    size_t n = 0;
    while (p->Next()) ++n;
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_IntersectSmallWithLarge)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// `range(0)` lists of `range(1)` entries each, as a regex over many values merges them.
void BM_Merge(benchmark::State& state) {
  const auto lists = static_cast<uint32_t>(state.range(0));
  const auto size = static_cast<uint32_t>(state.range(1));
  std::vector<std::string> bodies;
  for (uint32_t i = 0; i < lists; ++i)
    bodies.push_back(Body(RandomIds(size, 4 * kMillion, 100 + i)));
  for (auto _ : state) {
    std::vector<PostingsPtr> its;
    for (const std::string& b : bodies) its.push_back(RawPostings(b));
    PostingsPtr p = Merge(std::move(its));
    size_t n = 0;
    while (p->Next()) ++n;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * lists * size);
}
BENCHMARK(BM_Merge)
    ->Args({2, 500'000})
    ->Args({100, 10'000})
    ->Args({1000, 1'000})
    ->Unit(benchmark::kMillisecond);

void BM_RawPostingsNext(benchmark::State& state) {
  const std::string& body = Dense()[0];
  for (auto _ : state) {
    PostingsPtr p = RawPostings(body);
    uint64_t sum = 0;
    while (p->Next()) sum += p->At();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kMillion);
}
BENCHMARK(BM_RawPostingsNext)->Unit(benchmark::kMillisecond);

// The CRC check the store applies to every list it fetches, against BM_RawPostingsNext (decode
// alone) on the same 1M-entry list: the ratio of the two is the check's cost.
void BM_CheckedRawPostingsNext(benchmark::State& state) {
  std::string list = Dense()[0];
  base::PutBe32(&list, base::Crc32c(list));
  for (auto _ : state) {
    PostingsPtr p = CheckedRawPostings(list);
    uint64_t sum = 0;
    while (p->Next()) sum += p->At();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kMillion);
}
BENCHMARK(BM_CheckedRawPostingsNext)->Unit(benchmark::kMillisecond);

void BM_RawPostingsSeek(benchmark::State& state) {
  const std::string& body = Dense()[0];
  const uint64_t stride = static_cast<uint64_t>(state.range(0));
  for (auto _ : state) {
    PostingsPtr p = RawPostings(body);
    size_t n = 0;
    for (uint64_t v = 0; p->Seek(v); v = p->At() + stride) ++n;
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_RawPostingsSeek)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);

void BM_ExpandScaled(benchmark::State& state) {
  const std::string& body = Dense()[0];
  for (auto _ : state) {
    PostingsPtr p = ScalePostings(RawPostings(body), 16);
    auto refs = ExpandPostings(*p);
    benchmark::DoNotOptimize(refs);
  }
  state.SetItemsProcessed(state.iterations() * kMillion);
}
BENCHMARK(BM_ExpandScaled)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace charon::tsdb
