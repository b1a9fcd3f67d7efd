// charon_bench: the end-to-end benchmark of `charon store` against Prometheus on the same blocks
// (--mode filesystem), or of `charon store` on an S3 bucket behind a per-request delay (--mode
// remote). Prints the markdown tables on stdout (scripts/bench.sh puts them into
// bench/RESULTS.md) and exits 1 if a row is wrong, 2 on bad flags, 3 if the benchmark could not
// run.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "bench/remote_runner.h"
#include "fmt/core.h"

namespace {

constexpr const char* kUsage = R"(usage: charon_bench --charon-binary PATH [flags]
  --mode filesystem|remote    FILESYSTEM bucket against Prometheus, or S3 behind a delay
                              (default: filesystem)
  --size tiny|small|default|large
                              dataset (default: default; remote mode: small)
  --cache DIR                 dataset cache (default: $CHARON_BENCH_CACHE or ./bench-cache)
  --work-dir DIR              scratch directory, emptied first (default: ./bench-work)
  --prometheus-binary PATH    (default: prometheus from PATH)
  --clients LIST              concurrency levels (default: 1,8)
  --seconds S                 time per client, row and system after the minimum calls (default: 3)
  --min-calls N               minimum calls per client, row and system (default: 3)
  --rows LIST                 only these rows (names as in the table)
  --batch-size N              SeriesRequest.response_batch_size sent to Charon (default: 0)
  --batched-size N            Series rows measured again with this batch size, as Thanos
                              queriers since v0.41 send (default: 64; 0 = skip)
  --call-timeout S            a call taking longer fails its row (default: 600)
  --no-cold                   skip the cold (fresh process) measurements
remote mode:
  --remote-blocks LIST        block counts (default: 8,64,256)
  --delay-ms MS               delay per bucket request (default: 20)
  --warm-calls N              timed warm calls per row (default: 3)
  --index-caches LIST         run every row per index cache: none,inmemory,memcached,redis
)";

bool ParseInts(const std::string& list, std::vector<int>* out) {
  out->clear();
  for (absl::string_view s : absl::StrSplit(list, ',')) {
    int n = 0;
    if (!absl::SimpleAtoi(s, &n) || n <= 0) return false;
    out->push_back(n);
  }
  return !out->empty();
}

}  // namespace

int main(int argc, char** argv) {
  charon::bench::BenchOptions o;
  o.cache_root = charon::bench::DatasetCacheRoot("bench-cache");
  o.work_dir = "bench-work";
  charon::bench::RemoteOptions remote;
  std::string mode = "filesystem";
  bool size_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    bool ok = true;
    if (a == "--help" || a == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    } else if (a == "--mode") {
      mode = next();
      ok = mode == "filesystem" || mode == "remote";
    } else if (a == "--size") {
      o.size = next();
      size_given = true;
    } else if (a == "--cache") {
      o.cache_root = next();
    } else if (a == "--work-dir") {
      o.work_dir = next();
    } else if (a == "--charon-binary") {
      o.charon_binary = next();
    } else if (a == "--prometheus-binary") {
      o.prometheus_binary = next();
    } else if (a == "--clients") {
      ok = ParseInts(next(), &o.concurrency);
    } else if (a == "--seconds") {
      ok = absl::SimpleAtod(next(), &o.seconds);
    } else if (a == "--min-calls") {
      ok = absl::SimpleAtoi(next(), &o.min_calls);
    } else if (a == "--rows") {
      o.only_rows = next();
    } else if (a == "--batch-size") {
      ok = absl::SimpleAtoi(next(), &o.charon_batch_size);
    } else if (a == "--batched-size") {
      ok = absl::SimpleAtoi(next(), &o.charon_batched_size) && o.charon_batched_size >= 0;
    } else if (a == "--call-timeout") {
      ok = absl::SimpleAtod(next(), &o.call_timeout_seconds) && o.call_timeout_seconds > 0;
    } else if (a == "--no-cold") {
      o.cold = false;
    } else if (a == "--remote-blocks") {
      ok = ParseInts(next(), &remote.block_counts);
    } else if (a == "--delay-ms") {
      ok = absl::SimpleAtod(next(), &remote.delay_ms) && remote.delay_ms > 0;
    } else if (a == "--index-caches") {
      remote.index_caches = absl::StrSplit(next(), ',', absl::SkipEmpty());
      ok = !remote.index_caches.empty();
    } else if (a == "--warm-calls") {
      ok = absl::SimpleAtoi(next(), &remote.warm_calls) && remote.warm_calls > 0;
    } else {
      ok = false;
    }
    if (!ok) {
      fmt::print(stderr, "bad flag {}\n{}", a, kUsage);
      return 2;
    }
  }
  if (o.charon_binary.empty() || o.concurrency.empty()) {
    fmt::print(stderr, "{}", kUsage);
    return 2;
  }
  if (mode == "remote") {
    remote.size = size_given ? o.size : "small";
    remote.cache_root = o.cache_root;
    remote.work_dir = o.work_dir;
    remote.charon_binary = o.charon_binary;
    remote.cold = o.cold;
    remote.call_timeout_seconds = o.call_timeout_seconds;
    remote.only_rows = o.only_rows;
    absl::StatusOr<charon::bench::RemoteReport> report = charon::bench::RunRemoteBenchmark(remote);
    if (!report.ok()) {
      fmt::print(stderr, "benchmark failed: {}\n", report.status().ToString());
      return 3;
    }
    fmt::print("{}", charon::bench::RenderRemoteMarkdown(*report));
    for (const charon::bench::RemoteRow& row : report->rows) {
      if (row.wrong) return 1;
    }
    return 0;
  }
  absl::StatusOr<charon::bench::BenchReport> report = charon::bench::RunBenchmark(o);
  if (!report.ok()) {
    fmt::print(stderr, "benchmark failed: {}\n", report.status().ToString());
    return 3;
  }
  fmt::print("{}", charon::bench::RenderMarkdown(*report));
  for (const charon::bench::RowResult& row : report->rows) {
    if (row.wrong) return 1;
  }
  return 0;
}
