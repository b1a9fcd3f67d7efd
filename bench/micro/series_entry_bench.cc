// Decoding index series entries (tsdb/series_entry.h), the per-series step of every Series call,
// against two floors measured on the same bytes: the CRC-32C alone and a bare uvarint walk.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "tsdb/series_entry.h"

namespace charon::bench {
namespace {

constexpr int kEntries = 10'000;

// A Kubernetes-like entry: 9 label pairs, `chunks` chunks of 2h/4 each, 16-byte aligned.
std::string Entry(uint32_t seed, int chunks) {
  std::string body;
  base::PutUvarint(&body, 9);
  for (uint32_t i = 0; i < 9; ++i) {
    base::PutUvarint(&body, i * 3 + 1);
    base::PutUvarint(&body, 1000 + (seed * 7919 + i * 104729) % 200000);
  }
  base::PutUvarint(&body, static_cast<uint64_t>(chunks));
  int64_t t = 1699999200000;
  uint64_t ref = 8 + uint64_t{seed} * 700;
  for (int c = 0; c < chunks; ++c) {
    if (c == 0) {
      base::PutVarint(&body, t);
    } else {
      base::PutUvarint(&body, 15000);
    }
    base::PutUvarint(&body, 1800000 - 15000);
    if (c == 0) {
      base::PutUvarint(&body, ref);
    } else {
      base::PutVarint(&body, 180);
    }
    t += 1800000;
    ref += 180;
  }
  std::string entry;
  base::PutUvarint(&entry, body.size());
  entry += body;
  base::PutBe32(&entry, base::Crc32c(body));
  entry.resize((entry.size() + 15) / 16 * 16, '\0');
  return entry;
}

struct Entries {
  std::string bytes;
  std::vector<size_t> offsets;
  std::vector<std::pair<size_t, size_t>> bodies;  // offset, length of each CRC-covered body
};

const Entries& Make(int chunks) {
  static auto* cache = new std::vector<Entries>(64);
  Entries& e = (*cache)[static_cast<size_t>(chunks)];
  if (e.offsets.empty()) {
    for (uint32_t i = 0; i < kEntries; ++i) {
      e.offsets.push_back(e.bytes.size());
      std::string entry = Entry(i, chunks);
      size_t len = 0, varint = 0;
      for (int shift = 0;; shift += 7, ++varint) {
        len |= static_cast<size_t>(entry[varint] & 0x7f) << shift;
        if ((entry[varint] & 0x80) == 0) break;
      }
      e.bodies.emplace_back(e.bytes.size() + varint + 1, len);
      e.bytes += entry;
    }
  }
  return e;
}

void BM_DecodeSeriesEntry(benchmark::State& state) {
  const Entries& e = Make(static_cast<int>(state.range(0)));
  tsdb::SeriesEntry out;
  for (auto _ : state) {
    for (size_t off : e.offsets) {
      absl::Status s = tsdb::DecodeSeriesEntry(std::string_view(e.bytes).substr(off), &out);
      benchmark::DoNotOptimize(s.ok());
    }
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(e.bytes.size()));
}
BENCHMARK(BM_DecodeSeriesEntry)->Arg(1)->Arg(4)->Arg(12);

// Floor 1: only the checksum of each entry's body.
void BM_Baseline_Crc32cOfEntries(benchmark::State& state) {
  const Entries& e = Make(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    uint32_t acc = 0;
    for (const auto& [off, len] : e.bodies)
      acc ^= base::Crc32c(std::string_view(e.bytes).substr(off, len));
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(e.bytes.size()));
}
BENCHMARK(BM_Baseline_Crc32cOfEntries)->Arg(1)->Arg(4)->Arg(12);

// Floor 2: a bare uvarint walk over all bytes (no checks, no output).
void BM_Baseline_UvarintWalk(benchmark::State& state) {
  const Entries& e = Make(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    uint64_t sum = 0, v = 0;
    int shift = 0;
    for (unsigned char c : e.bytes) {
      v |= uint64_t{c & 0x7fu} << shift;
      shift += 7;
      if ((c & 0x80) == 0) {
        sum += v;
        v = 0;
        shift = 0;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(e.bytes.size()));
}
BENCHMARK(BM_Baseline_UvarintWalk)->Arg(1)->Arg(4)->Arg(12);

}  // namespace
}  // namespace charon::bench
