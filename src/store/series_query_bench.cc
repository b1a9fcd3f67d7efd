// Series over N copies of one block: latency on a local bucket (BM_Series) and the sequential
// round trips a call needs on a remote one, counted by a WaveBucket (BM_SeriesRoundTrips: waves
// per call; a remote bucket's added latency is about waves x its delay). Run two builds side by
// side and compare the ratios.
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "objstore/filesystem_bucket.h"
#include "store/bucket_store.h"
#include "store/store_test_util.h"
#include "store/wave_bucket.h"
#include "testing/block_fixtures.h"
#include "testing/temp_dir.h"

namespace charon::store {
namespace {

// 100 series of `up` over one 2h block at 15 s: 4 chunks each.
testing::BlockBuilder OneBlock() {
  testing::BlockBuilder b;
  for (int i = 0; i < 100; ++i) {
    b.AddRegularSeries({{"__name__", "up"}, {"instance", absl::StrCat("i-", i)}},
                       testing::kFixtureStartMs, 15'000, 480);
  }
  b.SetThanosMeta({.external_labels = {{"copy", "x"}}});
  return b;
}

const std::string& BucketDir(int blocks) {
  static auto* dirs = new std::map<int, std::string>();
  static auto* temps = new std::vector<testing::TempDir>();
  auto it = dirs->find(blocks);
  if (it != dirs->end()) return it->second;
  temps->push_back(testing::TempDir::Create().value());
  auto dir = WriteBlockCopies(OneBlock(), temps->back().path(), blocks);
  if (!dir.ok()) std::abort();
  return (*dirs)[blocks] = *dir;
}

struct Setup {
  testing::TempDir data = testing::TempDir::Create().value();
  prometheus::Registry registry;
  std::shared_ptr<WaveBucket> waves;
  std::unique_ptr<BucketStore> store;

  Setup(int blocks, absl::Duration quiet) {
    waves = std::make_shared<WaveBucket>(
        std::shared_ptr<objstore::Bucket>(
            objstore::FilesystemBucket::Open(BucketDir(blocks)).value()),
        quiet);
    BucketStoreOptions opts;
    opts.load.data_dir = data.path();
    store = std::make_unique<BucketStore>(waves, AllBlocks(waves), opts, registry);
    if (!store->InitialSync().ok()) std::abort();
  }
};

SeriesRequest Up() {
  SeriesRequest req;
  req.matchers = ParseMatchers({{tsdb::MatchType::kEqual, "__name__", "up"}});
  return req;
}

void BM_Series(benchmark::State& state) {
  Setup s(static_cast<int>(state.range(0)), absl::ZeroDuration());
  SeriesRequest req = Up();
  size_t series = 0;
  for (auto _ : state) {
    CollectingSink sink(req.min_time, req.max_time);
    if (!s.store->Series(req, sink, nullptr).ok()) std::abort();
    series = sink.series.size();
  }
  state.counters["series"] = static_cast<double>(series);
}
BENCHMARK(BM_Series)->Arg(8)->Arg(64)->Unit(benchmark::kMillisecond);

void BM_SeriesRoundTrips(benchmark::State& state) {
  Setup s(static_cast<int>(state.range(0)), absl::Milliseconds(50));
  s.waves->set_enabled(true);
  SeriesRequest req = Up();
  int calls = 0;
  for (auto _ : state) {
    CollectingSink sink(req.min_time, req.max_time);
    if (!s.store->Series(req, sink, nullptr).ok()) std::abort();
    ++calls;
  }
  state.counters["waves_per_call"] = static_cast<double>(s.waves->waves()) / calls;
  state.counters["requests_per_call"] = static_cast<double>(s.waves->requests()) / calls;
}
BENCHMARK(BM_SeriesRoundTrips)->Arg(8)->Arg(64)->Iterations(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace charon::store
