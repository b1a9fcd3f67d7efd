// Building the Series response frames that Charon streams (server/grpc SeriesToProto, then the
// serialization gRPC performs on Write), one series per frame and 64 per batch frame, against the
// floor of copying the same label and chunk bytes into one buffer.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "server/grpc/conversions.h"
#include "server/grpc/proto/store_rpc.pb.h"
#include "store/store_api.h"

namespace charon::bench {
namespace {

// Kubernetes-like labels and `chunks` XOR chunks of ~150 bytes (120 samples each).
struct Fixture {
  std::vector<store::SeriesOut> series;
  std::vector<std::string> chunk_bytes;
};

const Fixture& Make(int chunks) {
  static auto* cache = new std::vector<Fixture>(64);
  Fixture& f = (*cache)[static_cast<size_t>(chunks)];
  if (!f.series.empty()) return f;
  for (int i = 0; i < 64 * chunks; ++i)
    f.chunk_bytes.push_back(std::string(150, static_cast<char>('a' + i % 26)));
  for (int s = 0; s < 64; ++s) {
    store::SeriesOut out;
    out.labels = {{"__name__", "container_memory_working_set_bytes"},
                  {"container", "app"},
                  {"instance", "10.0.0.12:10250"},
                  {"job", "kubelet"},
                  {"namespace", "ns-0" + std::to_string(s % 10)},
                  {"node", "node-010"},
                  {"pod", "api-0-b8l6qh97f-" + std::to_string(10000 + s)}};
    for (int c = 0; c < chunks; ++c) {
      store::AggrChunk ac;
      ac.min_time = 1699999200000 + c * 1800000;
      ac.max_time = ac.min_time + 1785000;
      ac.raw = store::ChunkData{0, f.chunk_bytes[static_cast<size_t>(s * chunks + c)],
                                0x1234567 + static_cast<uint64_t>(c)};
      out.chunks.push_back(ac);
    }
    f.series.push_back(std::move(out));
  }
  return f;
}

void BM_SeriesFramePerSeries(benchmark::State& state) {
  const Fixture& f = Make(static_cast<int>(state.range(0)));
  thanos::SeriesResponse frame;
  std::string wire;
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const store::SeriesOut& s : f.series) {
      // One frame refilled in place, as the server does.
      server::grpc::SeriesToProto(s, frame.mutable_series());
      wire.clear();
      frame.SerializeToString(&wire);
      bytes += static_cast<int64_t>(wire.size());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f.series.size()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_SeriesFramePerSeries)->Arg(1)->Arg(4)->Arg(12);

void BM_SeriesFrameBatch64(benchmark::State& state) {
  const Fixture& f = Make(static_cast<int>(state.range(0)));
  thanos::SeriesResponse frame;
  std::string wire;
  int64_t bytes = 0;
  for (auto _ : state) {
    auto* batch = frame.mutable_batch()->mutable_series();
    int n = 0;
    for (const store::SeriesOut& s : f.series) {
      server::grpc::SeriesToProto(s, n < batch->size() ? batch->Mutable(n) : batch->Add());
      ++n;
    }
    wire.clear();
    frame.SerializeToString(&wire);
    bytes += static_cast<int64_t>(wire.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f.series.size()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_SeriesFrameBatch64)->Arg(1)->Arg(4)->Arg(12);

// Floor: append every label and chunk byte of the 64 series to one buffer.
void BM_Baseline_CopyBytes(benchmark::State& state) {
  const Fixture& f = Make(static_cast<int>(state.range(0)));
  std::string wire;
  int64_t bytes = 0;
  for (auto _ : state) {
    wire.clear();
    for (const store::SeriesOut& s : f.series) {
      for (const tsdb::Label& l : s.labels) {
        wire += l.name;
        wire += l.value;
      }
      for (const store::AggrChunk& c : s.chunks) wire.append(c.raw->data);
    }
    bytes += static_cast<int64_t>(wire.size());
    benchmark::DoNotOptimize(wire.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f.series.size()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Baseline_CopyBytes)->Arg(1)->Arg(4)->Arg(12);

}  // namespace
}  // namespace charon::bench
