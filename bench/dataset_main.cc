// charon_bench_dataset: builds or reuses the benchmark dataset, or writes one window's OpenMetrics.
//
//   charon_bench_dataset --size default [--cache DIR]   prints the blocks directory
//   charon_bench_dataset --size tiny --window 0 --out FILE
#include <cstdio>
#include <cstring>
#include <string>

#include "bench/dataset_builder.h"
#include "bench/dataset_generator.h"
#include "fmt/core.h"

int main(int argc, char** argv) {
  std::string size_name = "default", cache = "bench-cache", out;
  int window = -1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--size") {
      size_name = next();
    } else if (a == "--cache") {
      cache = next();
    } else if (a == "--window") {
      window = std::stoi(next());
    } else if (a == "--out") {
      out = next();
    } else {
      fmt::print(stderr,
                 "usage: {} --size tiny|default|large [--cache DIR] [--window N --out FILE]\n",
                 argv[0]);
      return 2;
    }
  }
  auto size = charon::bench::DatasetSizeByName(size_name);
  if (!size.ok()) {
    fmt::print(stderr, "{}\n", size.status().ToString());
    return 2;
  }
  if (window >= 0) {
    std::FILE* f = out.empty() ? stdout : std::fopen(out.c_str(), "w");
    if (f == nullptr) return 1;
    auto stats = charon::bench::WriteWindow(*size, window, f);
    if (f != stdout) std::fclose(f);
    if (!stats.ok()) {
      fmt::print(stderr, "{}\n", stats.status().ToString());
      return 1;
    }
    fmt::print(stderr, "{} series, {} samples, {} bytes\n", stats->series, stats->samples,
               stats->bytes);
    return 0;
  }
  auto dataset = charon::bench::EnsureDataset(*size, charon::bench::DatasetCacheRoot(cache));
  if (!dataset.ok()) {
    fmt::print(stderr, "{}\n", dataset.status().ToString());
    return 1;
  }
  fmt::print("{}\n", dataset->blocks_dir);
  return 0;
}
