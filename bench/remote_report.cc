// RenderRemoteMarkdown: the remote-bucket section of bench/RESULTS.md.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/remote_runner.h"

namespace charon::bench {
namespace {

std::string Ms(double seconds) {
  if (seconds < 0) return "-";
  const double ms = seconds * 1000;
  if (ms < 10) return absl::StrFormat("%.2f", ms);
  if (ms < 100) return absl::StrFormat("%.1f", ms);
  return absl::StrFormat("%.0f", ms);
}

// (with delay - without) / delay, one decimal.
std::string RoundTrips(double without, double with, double delay_ms) {
  if (without < 0 || with < 0) return "-";
  return absl::StrFormat("%.1f", (with - without) * 1000 / delay_ms);
}

std::string Requests(double v) {
  if (v < 0) return "-";
  return v == static_cast<double>(static_cast<int64_t>(v)) ? absl::StrFormat("%.0f", v)
                                                           : absl::StrFormat("%.1f", v);
}

std::string Ratio(double v) { return v < 0 ? "-" : absl::StrFormat("%.2f", v); }

std::string RowName(const RemoteRow& row) {
  return row.index_cache.empty() ? row.query.name
                                 : absl::StrCat(row.query.name, ", ", row.index_cache);
}

template <typename T>
T Median(std::vector<T> v, T none) {
  if (v.empty()) return none;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

std::string RenderRemoteMarkdown(const RemoteReport& r) {
  const RemoteOptions& o = r.options;
  const std::string delay = absl::StrFormat("%g ms", o.delay_ms);
  std::string out;
  absl::StrAppend(
      &out, "### Dataset `", o.size, "` (", r.base_blocks, " blocks), copied into s3rver\n\n",
      "Each bucket holds N copies of the dataset's ", r.base_blocks,
      " blocks under new ULIDs (same series and chunks, so every block count gives the same "
      "answer); ",
      absl::StrFormat("%.1f MB", static_cast<double>(r.uploaded_bytes) / 1e6), " uploaded in ",
      absl::StrFormat("%.0f s", r.upload_seconds),
      ". Every bucket request passes a proxy that "
      "waits ",
      delay,
      " before forwarding it (and 0 ms for the reference runs); the proxy counts "
      "the requests. Added round trips = (latency - latency at 0 ms) / ",
      delay, ". Cold: a fresh process from an empty data dir, its first call. Warm: median of ",
      o.warm_calls, " calls after a warm-up call on one process. One client.\n\n");
  out += "| Row | Blocks | Items | Cold ms, 0 ms | Cold ms, " + delay +
         " | Cold added round trips | Warm ms, 0 ms | Warm ms, " + delay +
         " | Warm added round trips | Bucket requests per call, cold | Bucket requests per call, "
         "warm | Warm index cache hit ratio | Store CPU ms per warm call, " +
         delay +
         " | Check "
         "|\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const RemoteRow& row : r.rows) {
    for (size_t c = 0; c < row.cells.size(); ++c) {
      const RemoteCell& a = row.cells[c][0];
      const RemoteCell& b = row.cells[c][1];
      absl::StrAppend(
          &out, "| ", RowName(row), " | ", o.block_counts[c], " | ",
          b.items >= 0 ? absl::StrCat(b.items) : "-", " | ", Ms(a.cold_seconds), " | ",
          Ms(b.cold_seconds), " | ", RoundTrips(a.cold_seconds, b.cold_seconds, o.delay_ms), " | ",
          Ms(a.warm_p50_seconds), " | ", Ms(b.warm_p50_seconds), " | ",
          RoundTrips(a.warm_p50_seconds, b.warm_p50_seconds, o.delay_ms), " | ",
          Requests(static_cast<double>(b.cold_requests)), " | ", Requests(b.warm_requests_per_call),
          " | ", Ratio(b.warm_hit_ratio), " | ", Ms(b.warm_cpu_ms_per_call / 1000), " | ",
          row.wrong ? "**WRONG**" : "ok", " |\n");
    }
  }
  absl::StrAppend(
      &out, "\nStart-up: from spawn to /-/ready with an empty data dir (median of ",
      "the starts above), and the bucket requests it made.\n\n| Blocks | Ready ms, 0 ms | "
      "Ready ms, ",
      delay, " | Added round trips | Bucket requests |\n|---:|---:|---:|---:|---:|\n");
  for (size_t c = 0; c < r.startup.size(); ++c) {
    const RemoteStartup& s = r.startup[c];
    const double a = Median(s.ready_seconds[0], -1.0), b = Median(s.ready_seconds[1], -1.0);
    absl::StrAppend(&out, "| ", o.block_counts[c], " | ", Ms(a), " | ", Ms(b), " | ",
                    RoundTrips(a, b, o.delay_ms), " | ",
                    Requests(static_cast<double>(Median(s.requests[1], int64_t{-1}))), " |\n");
  }
  bool any_wrong = false;
  for (const RemoteRow& row : r.rows) {
    if (!row.wrong) continue;
    if (!any_wrong) out += "\nWrong rows:\n\n";
    any_wrong = true;
    absl::StrAppend(&out, "- ", RowName(row), ": ", row.note, "\n");
  }
  // Index caches side by side, against the store without one, at the delay.
  const auto& caches = o.index_caches;
  if (std::find(caches.begin(), caches.end(), "none") != caches.end()) {
    absl::StrAppend(&out, "\nIndex caches against none (--index-cache-size=0), at ", delay,
                    ", this run: warm median latency / none's, and bucket requests per warm call "
                    "(none's first).\n\n| Row | Blocks |");
    std::string rule = "|---|---:|";
    for (const std::string& c : caches) {
      if (c == "none") continue;
      absl::StrAppend(&out, " Warm ms ", c, " / none |");
      rule += "---:|";
    }
    out += " Warm requests per call |\n" + rule + "---|\n";
    for (const RemoteRow& base : r.rows) {
      if (base.index_cache != "none") continue;
      for (size_t c = 0; c < base.cells.size(); ++c) {
        const RemoteCell& b0 = base.cells[c][1];
        absl::StrAppend(&out, "| ", base.query.name, " | ", o.block_counts[c], " |");
        std::string requests = absl::StrCat("none ", Requests(b0.warm_requests_per_call));
        for (const std::string& cache : caches) {
          if (cache == "none") continue;
          for (const RemoteRow& row : r.rows) {
            if (row.query.name != base.query.name || row.index_cache != cache) continue;
            const RemoteCell& b = row.cells[c][1];
            absl::StrAppend(&out, " ",
                            Ratio(b0.warm_p50_seconds > 0 && b.warm_p50_seconds >= 0
                                      ? b.warm_p50_seconds / b0.warm_p50_seconds
                                      : -1),
                            " |");
            absl::StrAppend(&requests, ", ", cache, " ", Requests(b.warm_requests_per_call));
          }
        }
        absl::StrAppend(&out, " ", requests, " |\n");
      }
    }
  }
  absl::StrAppend(&out, "\nThe run took ", absl::StrFormat("%.0f", r.total_seconds), " s.\n");
  return out;
}

}  // namespace charon::bench
