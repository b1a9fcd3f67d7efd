#include "bench/dataset_builder.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "bench/process_stats.h"
#include "fmt/core.h"
#include "nlohmann/json.hpp"

namespace charon::bench {
namespace {

namespace fs = std::filesystem;

nlohmann::json ToJson(const Dataset& d) {
  nlohmann::json windows = nlohmann::json::array();
  for (const WindowBuild& w : d.windows) {
    windows.push_back({{"series", w.series},
                       {"samples", w.samples},
                       {"text_bytes", w.text_bytes},
                       {"generate_seconds", w.generate_seconds},
                       {"promtool_seconds", w.promtool_seconds},
                       {"promtool_max_rss_bytes", w.promtool_max_rss_bytes}});
  }
  return {{"generator_version", kGeneratorVersion}, {"size", d.size.name}, {"windows", windows}};
}

absl::Status LoadJson(const std::string& path, Dataset* d) {
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("windows")) {
    return absl::DataLossError(absl::StrCat("bad dataset description ", path));
  }
  for (const nlohmann::json& w : j["windows"]) {
    WindowBuild b;
    b.series = w.value("series", int64_t{0});
    b.samples = w.value("samples", int64_t{0});
    b.text_bytes = w.value("text_bytes", int64_t{0});
    b.generate_seconds = w.value("generate_seconds", 0.0);
    b.promtool_seconds = w.value("promtool_seconds", 0.0);
    b.promtool_max_rss_bytes = w.value("promtool_max_rss_bytes", int64_t{0});
    d->windows.push_back(b);
  }
  return absl::OkStatus();
}

absl::StatusOr<WindowBuild> BuildWindow(const DatasetSize& size, int window, const std::string& tmp,
                                        const std::string& promtool) {
  WindowBuild b;
  const std::string text = absl::StrCat(tmp, "/window-", window, ".om");
  auto t0 = std::chrono::steady_clock::now();
  std::FILE* f = std::fopen(text.c_str(), "w");
  if (f == nullptr) return absl::UnavailableError(absl::StrCat("cannot create ", text));
  absl::StatusOr<WindowStats> stats = WriteWindow(size, window, f);
  if (std::fclose(f) != 0 && stats.ok()) stats = absl::UnavailableError("closing " + text);
  if (!stats.ok()) return stats.status();
  b.series = stats->series;
  b.samples = stats->samples;
  b.text_bytes = stats->bytes;
  b.generate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string log = tmp + "/promtool.log";
  CHARON_ASSIGN_OR_RETURN(MeasuredRun run,
                          RunMeasured({promtool, "tsdb", "create-blocks-from", "openmetrics",
                                       "--quiet", text, tmp + "/blocks"},
                                      log));
  std::error_code ec;
  fs::remove(text, ec);
  if (run.exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("promtool exited with ", run.exit_code, " on window ", window, "; see ", log));
  }
  b.promtool_seconds = run.seconds;
  b.promtool_max_rss_bytes = run.max_rss_bytes;
  fmt::print(stderr,
             "window {}/{}: {} series, {} samples, {:.1f} MB text in {:.1f}s; promtool {:.1f}s, "
             "peak RSS {:.0f} MB\n",
             window + 1, size.windows, b.series, b.samples, b.text_bytes / 1e6, b.generate_seconds,
             b.promtool_seconds, b.promtool_max_rss_bytes / 1e6);
  return b;
}

}  // namespace

std::string DatasetCacheRoot(const std::string& fallback) {
  const char* env = std::getenv("CHARON_BENCH_CACHE");
  return env != nullptr && *env != '\0' ? std::string(env) : fallback;
}

absl::StatusOr<Dataset> EnsureDataset(const DatasetSize& size, const std::string& cache_root,
                                      const std::string& promtool) {
  Dataset d;
  d.size = size;
  d.dir = absl::StrCat(cache_root, "/v", kGeneratorVersion, "-", size.name);
  d.blocks_dir = d.dir + "/blocks";
  std::error_code ec;
  if (fs::exists(d.dir + "/dataset.json", ec)) {
    CHARON_RETURN_IF_ERROR(LoadJson(d.dir + "/dataset.json", &d));
    d.reused = true;
    return d;
  }
  fs::create_directories(cache_root, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("mkdir ", cache_root, ": ", ec.message()));
  std::random_device rd;
  const std::string tmp = absl::StrCat(d.dir, ".tmp-", getpid(), "-", rd());
  fs::create_directories(tmp + "/blocks", ec);
  if (ec) return absl::UnavailableError(absl::StrCat("mkdir ", tmp, ": ", ec.message()));
  fmt::print(stderr, "building the {} dataset ({} windows of 2h) in {}\n", size.name, size.windows,
             tmp);
  for (int w = 0; w < size.windows; ++w) {
    CHARON_ASSIGN_OR_RETURN(WindowBuild b, BuildWindow(size, w, tmp, promtool));
    d.windows.push_back(b);
  }
  {
    std::ofstream out(tmp + "/dataset.json");
    out << ToJson(d).dump(2) << "\n";
    if (!out) return absl::UnavailableError(absl::StrCat("writing ", tmp, "/dataset.json"));
  }
  fs::rename(tmp, d.dir, ec);
  if (ec) {
    // Another builder won the race: use its copy.
    fs::remove_all(tmp, ec);
    if (!fs::exists(d.dir + "/dataset.json")) {
      return absl::UnavailableError(absl::StrCat("publishing ", d.dir, " failed"));
    }
  }
  return d;
}

}  // namespace charon::bench
