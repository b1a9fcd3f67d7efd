// The remote-read benchmark: the same blocks served by `charon store` (POST /api/v1/read on its
// HTTP port) and by Prometheus 2.42 (its own /api/v1/read), both response types, the series rows
// of the query set. Per row, type and system: p50/p90 latency of one client, calls per second,
// answer bytes per second, and the server's peak RSS so far. Ratios are Charon / Prometheus from
// the same run. Prints a markdown section for bench/RESULTS.md; exit 1 if a row's answers differ
// in series (or sample) counts between the systems.
//
//   charon_remote_read_bench --charon-binary PATH [--size tiny|default|large] [--work-dir DIR]
//                            [--seconds S] [--min-calls N] [--rows a,b]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/bench_servers.h"
#include "bench/dataset_builder.h"
#include "bench/process_stats.h"
#include "bench/query_set.h"
#include "bench/remote_read_client.h"

namespace charon::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string size = "default";
  std::string charon_binary;
  std::string prometheus_binary = "prometheus";
  std::string work_dir = "bench-remote-read-work";
  double seconds = 3;
  int min_calls = 3;
  std::set<std::string> rows;
};

struct Run {
  bool ok = false;
  std::string error;
  RemoteReadCounts counts;
  std::vector<double> latencies;  // seconds
  double wall = 0;
  int64_t hwm = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

Run Measure(RemoteReadClient& client, const BenchQuery& q, RemoteReadType type,
            const BenchServer& server, const Options& o) {
  Run run;
  absl::StatusOr<RemoteReadCounts> warm = client.Call(q, type);
  if (!warm.ok()) {
    run.error = std::string(warm.status().message());
    return run;
  }
  run.counts = *warm;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<RemoteReadCounts> c = client.Call(q, type);
    const auto t1 = std::chrono::steady_clock::now();
    if (!c.ok()) {
      run.error = std::string(c.status().message());
      return run;
    }
    run.latencies.push_back(std::chrono::duration<double>(t1 - t0).count());
    run.wall = std::chrono::duration<double>(t1 - start).count();
    if (i + 1 >= o.min_calls && run.wall >= o.seconds) break;
  }
  run.hwm = ProcStatusBytes(server.pid(), "VmHWM").value_or(0);
  run.ok = true;
  return run;
}

std::string Ms(double s) { return absl::StrFormat("%.1f", s * 1000); }
std::string Mb(int64_t b) { return absl::StrFormat("%.0f", static_cast<double>(b) / (1 << 20)); }

int Main(const Options& o) {
  absl::StatusOr<DatasetSize> size = DatasetSizeByName(o.size);
  if (!size.ok()) {
    std::cerr << size.status() << "\n";
    return 2;
  }
  std::error_code ec;
  fs::remove_all(o.work_dir, ec);
  fs::create_directories(o.work_dir);
  absl::StatusOr<Dataset> dataset = EnsureDataset(*size, DatasetCacheRoot(o.work_dir + "/cache"));
  if (!dataset.ok()) {
    std::cerr << dataset.status() << "\n";
    return 2;
  }
  fs::copy(dataset->blocks_dir, o.work_dir + "/prometheus-data", fs::copy_options::recursive, ec);
  if (ec) {
    std::cerr << "copying the blocks: " << ec.message() << "\n";
    return 2;
  }
  CharonServerOptions co;
  co.binary = o.charon_binary;
  co.bucket_dir = dataset->blocks_dir;
  co.data_dir = o.work_dir + "/charon-data";
  co.log_path = o.work_dir + "/charon.log";
  auto charon = StartCharon(co);
  PrometheusServerOptions po;
  po.binary = o.prometheus_binary;
  po.data_dir = o.work_dir + "/prometheus-data";
  po.work_dir = o.work_dir;
  po.log_path = o.work_dir + "/prometheus.log";
  auto prom = StartPrometheus(po);
  if (!charon.ok() || !prom.ok()) {
    std::cerr << "starting servers: " << charon.status() << " / " << prom.status() << "\n";
    return 2;
  }
  auto charon_client = RemoteReadClient::Create(
      absl::StrCat("http://127.0.0.1:", (*charon)->http_port(), "/api/v1/read"));
  auto prom_client = RemoteReadClient::Create(
      absl::StrCat("http://127.0.0.1:", (*prom)->query_port(), "/api/v1/read"));
  if (!charon_client.ok() || !prom_client.ok()) return 2;

  bool wrong = false;
  std::cout << "## Remote read: Charon vs Prometheus (dataset `" << o.size << "`)\n\n"
            << "One client, warm servers, the same blocks; " << o.min_calls << "+ calls and "
            << o.seconds << " s per cell. Ratio = Charon / Prometheus p50 (lower is better). "
            << "Throughput = answer bytes per second. Peak RSS = server VmHWM after the cell.\n\n"
            << "| row | type | series | samples/chunks | Charon p50 ms | p90 | Prometheus p50 ms "
               "| p90 | ratio | Charon MB/s | Prometheus MB/s | Charon peak RSS MB | "
               "Prometheus peak RSS MB |\n"
            << "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
               "| ---: |\n";
  for (const BenchQuery& q : QuerySet(*size)) {
    if (!q.is_series()) continue;
    if (!o.rows.empty() && !o.rows.contains(q.name)) continue;
    for (RemoteReadType type : {RemoteReadType::kStreamed, RemoteReadType::kSamples}) {
      const char* tname = type == RemoteReadType::kStreamed ? "STREAMED_XOR_CHUNKS" : "SAMPLES";
      Run c = Measure(**charon_client, q, type, **charon, o);
      Run p = Measure(**prom_client, q, type, **prom, o);
      std::string note;
      if (!c.ok || !p.ok) {
        note = absl::StrCat("FAILED: ", c.ok ? "" : "Charon: " + c.error, " ",
                            p.ok ? "" : "Prometheus: " + p.error);
      } else if (c.counts.series != p.counts.series ||
                 (type == RemoteReadType::kSamples && c.counts.samples != p.counts.samples)) {
        note = absl::StrCat("WRONG: series ", c.counts.series, " vs ", p.counts.series,
                            ", samples ", c.counts.samples, " vs ", p.counts.samples);
      }
      if (!note.empty()) {
        wrong = true;
        std::cout << "| " << q.name << " | " << tname << " | " << note << " |||||||||||\n";
        std::cout.flush();
        continue;
      }
      const double cp50 = Percentile(c.latencies, 0.5), pp50 = Percentile(p.latencies, 0.5);
      auto mbps = [](const Run& r) {
        return absl::StrFormat("%.0f", static_cast<double>(r.counts.wire_bytes) /
                                           Percentile(r.latencies, 0.5) / (1 << 20));
      };
      std::cout << "| " << q.name << " | " << tname << " | " << c.counts.series << " | "
                << (type == RemoteReadType::kSamples ? c.counts.samples : c.counts.chunks) << " | "
                << Ms(cp50) << " | " << Ms(Percentile(c.latencies, 0.9)) << " | " << Ms(pp50)
                << " | " << Ms(Percentile(p.latencies, 0.9)) << " | "
                << absl::StrFormat("%.2f", cp50 / pp50) << " | " << mbps(c) << " | " << mbps(p)
                << " | " << Mb(c.hwm) << " | " << Mb(p.hwm) << " |\n";
      std::cout.flush();
    }
  }
  std::cout << "\n";
  return wrong ? 1 : 0;
}

}  // namespace
}  // namespace charon::bench

int main(int argc, char** argv) {
  charon::bench::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    bool ok = true;
    if (a == "--size") {
      o.size = next();
    } else if (a == "--charon-binary") {
      o.charon_binary = next();
    } else if (a == "--prometheus-binary") {
      o.prometheus_binary = next();
    } else if (a == "--work-dir") {
      o.work_dir = next();
    } else if (a == "--seconds") {
      ok = absl::SimpleAtod(next(), &o.seconds);
    } else if (a == "--min-calls") {
      ok = absl::SimpleAtoi(next(), &o.min_calls);
    } else if (a == "--rows") {
      for (absl::string_view r : absl::StrSplit(next(), ',', absl::SkipEmpty())) {
        o.rows.insert(std::string(r));
      }
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "bad argument " << a << "\n";
      return 2;
    }
  }
  if (o.charon_binary.empty()) {
    std::cerr << "--charon-binary is required\n";
    return 2;
  }
  return charon::bench::Main(o);
}
