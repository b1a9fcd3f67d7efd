// Index-header build throughput (MB/s of the block's index) and lookup latency on a real block of
// 100,000 series written by promtool.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "indexheader/index_header_builder.h"
#include "indexheader/index_header_oracle.h"
#include "indexheader/index_header_reader.h"
#include "testing/block_fixtures.h"
#include "testing/temp_dir.h"

namespace charon::indexheader {
namespace {

struct Fixture {
  charon::testing::TempDir dir;
  std::string block_id;
  int64_t index_size = 0;
  std::string header_path;
};

Fixture& Block() {
  static Fixture* f = [] {
    auto dir = charon::testing::TempDir::Create("indexheader-bench");
    if (!dir.ok()) std::abort();
    auto* fx = new Fixture{*std::move(dir), "", 0, ""};
    auto blocks = charon::testing::ManySeriesFewSamples().WriteBlocks(fx->dir.Path("bucket"));
    if (!blocks.ok() || blocks->empty()) std::abort();
    fx->block_id = std::filesystem::path(blocks->front()).filename().string();
    fx->index_size = static_cast<int64_t>(
        std::filesystem::file_size(fx->dir.Path("bucket/" + fx->block_id + "/index")));
    fx->header_path = fx->dir.Path("index-header");
    auto bucket = MakeFilesystemBucket(fx->dir.Path("bucket"));
    if (!BuildIndexHeader(*bucket, fx->block_id, fx->header_path).ok()) std::abort();
    return fx;
  }();
  return *f;
}

void BM_Build(benchmark::State& state) {
  Fixture& f = Block();
  auto bucket = MakeFilesystemBucket(f.dir.Path("bucket"));
  const std::string path = f.dir.Path("bench-index-header");
  IndexHeaderBuildOptions options;
  options.part_size = state.range(0) << 10;
  options.concurrency = static_cast<int>(state.range(1));
  for (auto _ : state) {
    if (!BuildIndexHeader(*bucket, f.block_id, path, options).ok()) {
      state.SkipWithError("build failed");
      break;
    }
  }
  // Throughput in bytes of the index the header stands for; header_MB is what is actually copied.
  state.SetBytesProcessed(state.iterations() * f.index_size);
  state.counters["index_MB"] = static_cast<double>(f.index_size) / 1e6;
  state.counters["header_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
}
// 16 MiB parts (the default; this index is smaller, so one part per section) and 64 KiB parts.
// Wall time: the work happens on fetch threads and in fsync, not on the benchmark thread.
BENCHMARK(BM_Build)
    ->Args({16 << 10, 4})
    ->Args({64, 4})
    ->Args({64, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Open(benchmark::State& state) {
  Fixture& f = Block();
  size_t memory = 0;
  for (auto _ : state) {
    auto r = IndexHeaderReader::Open(f.header_path, static_cast<int>(state.range(0)));
    if (!r.ok()) {
      state.SkipWithError("open failed");
      break;
    }
    memory = (*r)->MemoryBytes();
  }
  state.counters["memory_KB"] = static_cast<double>(memory) / 1e3;
}
BENCHMARK(BM_Open)->Arg(1)->Arg(32)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

std::unique_ptr<IndexHeaderReader> OpenReader(int sampling) {
  auto r = IndexHeaderReader::Open(Block().header_path, sampling);
  if (!r.ok()) std::abort();
  return *std::move(r);
}

void BM_LabelValues(benchmark::State& state, const char* name) {
  auto r = OpenReader(32);
  size_t n = 0;
  for (auto _ : state) {
    auto v = r->LabelValues(name);
    benchmark::DoNotOptimize(v);
    n = v->size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK_CAPTURE(BM_LabelValues, mod10, "mod10")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_LabelValues, i_100k, "i")->Unit(benchmark::kMillisecond);

// PostingsRanges of `range(1)` random values of the 100k-value label `i`, sorted.
void BM_PostingsRanges(benchmark::State& state) {
  auto r = OpenReader(static_cast<int>(state.range(0)));
  std::mt19937 rng(42);
  std::vector<std::string> values;
  for (int64_t k = 0; k < state.range(1); ++k) {
    values.push_back(absl::StrCat(std::uniform_int_distribution<int>(0, 99'999)(rng)));
  }
  std::sort(values.begin(), values.end());
  for (auto _ : state) {
    auto got = r->PostingsRanges("i", values);
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_PostingsRanges)
    ->Args({32, 1})
    ->Args({32, 100})
    ->Args({32, 10'000})
    ->Args({1, 1})
    ->Args({1000, 1})
    ->Unit(benchmark::kMicrosecond);

void BM_LookupSymbol(benchmark::State& state) {
  auto r = OpenReader(32);
  std::mt19937 rng(7);
  uint32_t ref = 0;
  for (auto _ : state) {
    ref = std::uniform_int_distribution<uint32_t>(0, 100'000)(rng);
    benchmark::DoNotOptimize(r->LookupSymbol(ref));
  }
}
BENCHMARK(BM_LookupSymbol);

}  // namespace
}  // namespace charon::indexheader
