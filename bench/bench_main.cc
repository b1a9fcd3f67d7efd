// charon_bench: the end-to-end benchmark of `charon store` against Prometheus on the same blocks.
// Prints the markdown tables on stdout (scripts/bench.sh puts them into bench/RESULTS.md) and
// exits 1 if a row is wrong, 2 on bad flags, 3 if the benchmark could not run.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"
#include "fmt/core.h"

namespace {

constexpr const char* kUsage = R"(usage: charon_bench --charon-binary PATH [flags]
  --size tiny|default|large   dataset (default: default)
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
)";

}  // namespace

int main(int argc, char** argv) {
  charon::bench::BenchOptions o;
  o.cache_root = charon::bench::DatasetCacheRoot("bench-cache");
  o.work_dir = "bench-work";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    bool ok = true;
    if (a == "--help" || a == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    } else if (a == "--size") {
      o.size = next();
    } else if (a == "--cache") {
      o.cache_root = next();
    } else if (a == "--work-dir") {
      o.work_dir = next();
    } else if (a == "--charon-binary") {
      o.charon_binary = next();
    } else if (a == "--prometheus-binary") {
      o.prometheus_binary = next();
    } else if (a == "--clients") {
      o.concurrency.clear();
      for (absl::string_view s : absl::StrSplit(next(), ',')) {
        int n = 0;
        ok = ok && absl::SimpleAtoi(s, &n) && n > 0;
        o.concurrency.push_back(n);
      }
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
