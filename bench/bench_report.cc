#include "bench/bench_report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace charon::bench {
namespace {

std::string Ms(double seconds) {
  if (seconds < 0) return "-";
  double ms = seconds * 1000;
  if (ms < 10) return absl::StrFormat("%.2f", ms);
  if (ms < 100) return absl::StrFormat("%.1f", ms);
  return absl::StrFormat("%.0f", ms);
}

std::string Count(double v) {
  if (v >= 1e6) return absl::StrFormat("%.2fM", v / 1e6);
  if (v >= 1e4) return absl::StrFormat("%.0fk", v / 1e3);
  if (v >= 1e3) return absl::StrFormat("%.1fk", v / 1e3);
  return absl::StrFormat("%.0f", v);
}

std::string Bytes(double b) {
  if (b >= 1e9) return absl::StrFormat("%.2f GB", b / 1e9);
  if (b >= 1e6) return absl::StrFormat("%.1f MB", b / 1e6);
  if (b >= 1e3) return absl::StrFormat("%.1f kB", b / 1e3);
  return absl::StrFormat("%.0f B", b);
}

std::string Ratio(double a, double b) {
  if (a <= 0 || b <= 0) return "-";
  return absl::StrFormat("%.2f", a / b);
}

bool CarriesSeries(const BenchQuery& q) {
  return q.kind == QueryKind::kSeries || q.kind == QueryKind::kSeriesSkipChunks;
}

double SeriesPerSecond(const SystemRun& r) {
  return r.load.wall_seconds > 0 ? static_cast<double>(r.load.total.items) / r.load.wall_seconds
                                 : 0;
}
double ChunkMBps(const SystemRun& r) {
  return r.load.wall_seconds > 0
             ? static_cast<double>(r.load.total.chunk_bytes) / 1e6 / r.load.wall_seconds
             : 0;
}
double CpuMsPerCall(double cpu_seconds, const SystemRun& r) {
  return r.load.calls > 0 ? cpu_seconds / static_cast<double>(r.load.calls) : -1;
}

std::string CountCell(const RowResult& row) {
  if (row.charon_items == row.prom_items) return Count(static_cast<double>(row.charon_items));
  return absl::StrCat(row.charon_items, " vs ", row.prom_items);
}

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void WarmTable(const BenchReport& r, size_t level, std::string& out) {
  const int clients = r.options.concurrency[level];
  absl::StrAppend(
      &out, "\n### Warm, ", clients, clients == 1 ? " client" : " concurrent clients",
      "\n\nLatencies in ms. C = Charon, P = Prometheus. \"C/P p50\" below 1 means Charon "
      "answers faster; \"C/P thr\" above 1 means Charon delivers more series per "
      "second. Server CPU is CPU time of the server process per call.\n\n");
  out +=
      "| Row | Items | C p50 | C p99 | P p50 | P p99 | C/P p50 | C series/s | P series/s | "
      "C chunk MB/s | P chunk MB/s | C/P thr | C CPU ms/call | P CPU ms/call | Calls C/P | Check "
      "|\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const RowResult& row : r.rows) {
    if (level >= row.charon.size() || level >= row.prom.size()) {
      absl::StrAppend(&out, "| ", row.query.name, " | ", CountCell(row),
                      " | - | - | - | - | - | - | - | - | - | - | - | - | - | **WRONG** |\n");
      continue;
    }
    const SystemRun& c = row.charon[level];
    const SystemRun& p = row.prom[level];
    const bool series = CarriesSeries(row.query);
    const bool chunks = row.query.kind == QueryKind::kSeries;
    absl::StrAppend(
        &out, "| ", row.query.name, " | ", CountCell(row), " | ", Ms(c.load.Percentile(50)), " | ",
        Ms(c.load.Percentile(99)), " | ", Ms(p.load.Percentile(50)), " | ",
        Ms(p.load.Percentile(99)), " | ", Ratio(c.load.Percentile(50), p.load.Percentile(50)),
        " | ", series ? Count(SeriesPerSecond(c)) : "-", " | ",
        series ? Count(SeriesPerSecond(p)) : "-", " | ",
        chunks ? absl::StrFormat("%.1f", ChunkMBps(c)) : "-", " | ",
        chunks ? absl::StrFormat("%.1f", ChunkMBps(p)) : "-", " | ",
        series ? Ratio(SeriesPerSecond(c), SeriesPerSecond(p)) : "-", " | ",
        Ms(CpuMsPerCall(c.server_cpu_seconds, c)), " | ", Ms(CpuMsPerCall(p.server_cpu_seconds, p)),
        " | ", c.load.calls, "/", p.load.calls, " | ", row.wrong ? "**WRONG**" : "ok", " |\n");
  }
}

// Series rows again, Charon answering with batched frames (what current Thanos queriers ask for),
// compared with the same Prometheus runs as the tables above.
void BatchedTable(const BenchReport& r, std::string& out) {
  bool any = false;
  for (const RowResult& row : r.rows) any = any || !row.charon_batched.empty();
  if (!any) return;
  absl::StrAppend(
      &out, "\n### Warm, Series with response_batch_size ", r.options.charon_batched_size,
      "\n\nThanos queriers since v0.41 ask for up to ", r.options.charon_batched_size,
      " series per `SeriesResponse` (a `SeriesBatch` frame); older ones, and the tables above, get "
      "one series per frame. Prometheus figures are the same runs as above.\n\n");
  out +=
      "| Row | Clients | C p50 | C p99 | P p50 | P p99 | C/P p50 | C series/s | P series/s | C/P "
      "thr | C CPU ms/call | P CPU ms/call | C/P thr, 1 series per frame |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const RowResult& row : r.rows) {
    for (size_t l = 0; l < row.charon_batched.size() && l < row.prom.size(); ++l) {
      const SystemRun& c = row.charon_batched[l];
      const SystemRun& p = row.prom[l];
      const std::string unbatched =
          l < row.charon.size() ? Ratio(SeriesPerSecond(row.charon[l]), SeriesPerSecond(p)) : "-";
      absl::StrAppend(&out, "| ", row.query.name, " | ", r.options.concurrency[l], " | ",
                      Ms(c.load.Percentile(50)), " | ", Ms(c.load.Percentile(99)), " | ",
                      Ms(p.load.Percentile(50)), " | ", Ms(p.load.Percentile(99)), " | ",
                      Ratio(c.load.Percentile(50), p.load.Percentile(50)), " | ",
                      Count(SeriesPerSecond(c)), " | ", Count(SeriesPerSecond(p)), " | ",
                      Ratio(SeriesPerSecond(c), SeriesPerSecond(p)), " | ",
                      Ms(CpuMsPerCall(c.server_cpu_seconds, c)), " | ",
                      Ms(CpuMsPerCall(p.server_cpu_seconds, p)), " | ", unbatched, " |\n");
    }
  }
}

void Targets(const BenchReport& r, std::string& out) {
  out += "\n### Targets (reported, never asserted)\n\n";
  // Warm Series throughput >= 2x on every series row and level.
  double worst_thr = 1e18, worst_p99 = 0, worst_meta = 0;
  std::string worst_thr_row, worst_p99_row, worst_meta_row;
  const size_t last = r.options.concurrency.size() - 1;
  for (const RowResult& row : r.rows) {
    for (size_t l = 0; l < row.charon.size() && l < row.prom.size(); ++l) {
      if (row.query.kind == QueryKind::kSeries) {
        double ratio =
            SeriesPerSecond(row.charon[l]) / std::max(1e-9, SeriesPerSecond(row.prom[l]));
        if (ratio < worst_thr) {
          worst_thr = ratio;
          worst_thr_row =
              absl::StrCat(row.query.name, ", ", r.options.concurrency[l], " client(s)");
        }
      } else {
        double ratio =
            row.charon[l].load.Percentile(50) / std::max(1e-9, row.prom[l].load.Percentile(50));
        if (ratio > worst_meta) {
          worst_meta = ratio;
          worst_meta_row =
              absl::StrCat(row.query.name, ", ", r.options.concurrency[l], " client(s)");
        }
      }
    }
    if (last < row.charon.size() && last < row.prom.size()) {
      double ratio =
          row.charon[last].load.Percentile(99) / std::max(1e-9, row.prom[last].load.Percentile(99));
      if (ratio > worst_p99) {
        worst_p99 = ratio;
        worst_p99_row = row.query.name;
      }
    }
  }
  // The same throughput target for the batched runs.
  double worst_batched = 1e18;
  std::string worst_batched_row;
  for (const RowResult& row : r.rows) {
    if (row.query.kind != QueryKind::kSeries) continue;
    for (size_t l = 0; l < row.charon_batched.size() && l < row.prom.size(); ++l) {
      double ratio =
          SeriesPerSecond(row.charon_batched[l]) / std::max(1e-9, SeriesPerSecond(row.prom[l]));
      if (ratio < worst_batched) {
        worst_batched = ratio;
        worst_batched_row =
            absl::StrCat(row.query.name, ", ", r.options.concurrency[l], " client(s)");
      }
    }
  }
  auto verdict = [](bool ok) { return ok ? "met" : "**not met**"; };
  const double rss_ratio = static_cast<double>(r.charon.peak_rss_bytes) /
                           std::max<double>(1, static_cast<double>(r.prom.peak_rss_bytes));
  const double index_gb = static_cast<double>(r.index_bytes) / 1e9;
  const double ready = Median(r.charon.ready_empty_seconds);
  out += "| Target | Worst case | Verdict |\n|---|---|---|\n";
  absl::StrAppend(&out, "| Warm Series throughput >= 2x Prometheus on every row | ",
                  absl::StrFormat("%.2fx", worst_thr), " (", worst_thr_row, ") | ",
                  verdict(worst_thr >= 2), " |\n");
  if (!worst_batched_row.empty()) {
    absl::StrAppend(&out, "| The same, Charon asked for batches of ", r.options.charon_batched_size,
                    " | ", absl::StrFormat("%.2fx", worst_batched), " (", worst_batched_row, ") | ",
                    verdict(worst_batched >= 2), " |\n");
  }
  absl::StrAppend(&out, "| p99 with ", r.options.concurrency[last], " clients <= Prometheus | ",
                  absl::StrFormat("%.2fx", worst_p99), " (", worst_p99_row, ") | ",
                  verdict(worst_p99 <= 1), " |\n");
  absl::StrAppend(&out, "| Metadata calls <= 0.5x Prometheus latency (p50) | ",
                  absl::StrFormat("%.2fx", worst_meta), " (", worst_meta_row, ") | ",
                  verdict(worst_meta <= 0.5), " |\n");
  absl::StrAppend(&out, "| Peak RSS <= 0.5x Prometheus | ", absl::StrFormat("%.2fx", rss_ratio),
                  " | ", verdict(rss_ratio <= 0.5), " |\n");
  absl::StrAppend(&out, "| Ready from an empty data dir <= 1 s per GB of index | ",
                  absl::StrFormat("%.2f s for %.3f GB = %.1f s/GB", ready, index_gb,
                                  ready / std::max(1e-9, index_gb)),
                  " | ", verdict(ready <= std::max(index_gb, 0.0)), " |\n");
}

}  // namespace

std::string RenderMarkdown(const BenchReport& r) {
  std::string out;
  const Dataset& d = r.dataset;
  int64_t samples = 0, peak_promtool = 0;
  std::vector<std::string> per_window;
  for (const WindowBuild& w : d.windows) {
    samples += w.samples;
    peak_promtool = std::max(peak_promtool, w.promtool_max_rss_bytes);
    per_window.push_back(Count(static_cast<double>(w.series)));
  }
  absl::StrAppend(&out, "### Dataset `", d.size.name, "`\n\n", r.blocks,
                  " blocks of 2h (series per block: ", absl::StrJoin(per_window, ", "), "; ",
                  Count(static_cast<double>(samples)), " samples at 15 s), index ",
                  Bytes(static_cast<double>(r.index_bytes)), ", chunks and meta ",
                  Bytes(static_cast<double>(r.chunk_file_bytes)),
                  ". promtool peak RSS per window: ", Bytes(static_cast<double>(peak_promtool)),
                  ".\n");
  for (size_t level = 0; level < r.options.concurrency.size(); ++level) WarmTable(r, level, out);
  BatchedTable(r, out);

  if (r.options.cold) {
    out += "\n### Cold: first call on a fresh process (Charon also with an empty data dir)\n\n";
    out += "| Row | Charon ms | Prometheus ms | C/P |\n|---|---:|---:|---:|\n";
    for (const RowResult& row : r.rows) {
      absl::StrAppend(&out, "| ", row.query.name, " | ", Ms(row.charon_cold_seconds), " | ",
                      Ms(row.prom_cold_seconds), " | ",
                      Ratio(row.charon_cold_seconds, row.prom_cold_seconds), " |\n");
    }
  }

  out += "\n### Servers\n\n| Figure | Charon | Prometheus | C/P |\n|---|---:|---:|---:|\n";
  const double c_ready = Median(r.charon.ready_empty_seconds);
  const double p_ready = Median(r.prom.ready_empty_seconds);
  absl::StrAppend(&out, "| Start to ready, fresh (median of ", r.charon.ready_empty_seconds.size(),
                  " starts; Charon from an empty data dir), ms | ", Ms(c_ready), " | ", Ms(p_ready),
                  " | ", Ratio(c_ready, p_ready), " |\n");
  absl::StrAppend(&out, "| Start to ready, restart (Charon data dir filled), ms | ",
                  Ms(r.charon.ready_restart_seconds), " | ", Ms(r.prom.ready_restart_seconds),
                  " | ", Ratio(r.charon.ready_restart_seconds, r.prom.ready_restart_seconds),
                  " |\n");
  absl::StrAppend(&out, "| Peak RSS (VmHWM) after the warm runs | ",
                  Bytes(static_cast<double>(r.charon.peak_rss_bytes)), " | ",
                  Bytes(static_cast<double>(r.prom.peak_rss_bytes)), " | ",
                  Ratio(static_cast<double>(r.charon.peak_rss_bytes),
                        static_cast<double>(r.prom.peak_rss_bytes)),
                  " |\n");
  absl::StrAppend(&out, "| Anonymous RSS at the end (RssAnon; excludes mapped files) | ",
                  Bytes(static_cast<double>(r.charon.rss_anon_bytes)), " | ",
                  Bytes(static_cast<double>(r.prom.rss_anon_bytes)), " | ",
                  Ratio(static_cast<double>(r.charon.rss_anon_bytes),
                        static_cast<double>(r.prom.rss_anon_bytes)),
                  " |\n");
  out +=
      "\nMemory of the warm processes after each row (rows run in table order, so the peak "
      "so far carries over):\n\n| Row | C RSS | C peak so far | P RSS | P peak so far |\n"
      "|---|---:|---:|---:|---:|\n";
  for (const RowResult& row : r.rows) {
    absl::StrAppend(&out, "| ", row.query.name, " | ",
                    Bytes(static_cast<double>(row.charon_rss_bytes)), " | ",
                    Bytes(static_cast<double>(row.charon_hwm_bytes)), " | ",
                    Bytes(static_cast<double>(row.prom_rss_bytes)), " | ",
                    Bytes(static_cast<double>(row.prom_hwm_bytes)), " |\n");
  }
  const double index_gb = static_cast<double>(r.index_bytes) / 1e9;
  absl::StrAppend(
      &out, "\nIndex-header on disk: ", Bytes(static_cast<double>(r.index_header_bytes)), " for ",
      r.blocks,
      " blocks = ", Bytes(static_cast<double>(r.index_header_bytes) / std::max(1, r.blocks)),
      " per block, ", Bytes(static_cast<double>(r.index_header_bytes) / std::max(1e-9, index_gb)),
      " per GB of index (",
      absl::StrFormat("%.1f%%", 100.0 * static_cast<double>(r.index_header_bytes) /
                                    std::max<double>(1, static_cast<double>(r.index_bytes))),
      " of the index).\n");

  out += "\n### Client overhead: decoding a captured answer from memory, per call\n\n";
  out +=
      "The same decoding the live client does (Charon: protobuf parse + count per message; "
      "Prometheus: frame split, CRC-32C, protobuf parse + count, or JSON parse), compared with "
      "the 1-client p50. Client CPU is this process' CPU time per wall second during the "
      "busiest run of the row.\n\n";
  out +=
      "| Row | C answer | C decode ms | % of C p50 | P answer | P decode ms | % of P p50 | Client "
      "CPU C / P |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const RowResult& row : r.rows) {
    if (row.charon.empty() || row.prom.empty()) continue;
    const double cp50 = row.charon[0].load.Percentile(50), pp50 = row.prom[0].load.Percentile(50);
    const SystemRun& cb = row.charon.back();
    const SystemRun& pb = row.prom.back();
    absl::StrAppend(
        &out, "| ", row.query.name, " | ", Bytes(static_cast<double>(row.charon_wire_bytes)), " | ",
        Ms(row.charon_decode_seconds), " | ",
        absl::StrFormat("%.0f%%", cp50 > 0 ? 100 * row.charon_decode_seconds / cp50 : 0), " | ",
        Bytes(static_cast<double>(row.prom_wire_bytes)), " | ", Ms(row.prom_decode_seconds), " | ",
        absl::StrFormat("%.0f%%", pp50 > 0 ? 100 * row.prom_decode_seconds / pp50 : 0), " | ",
        absl::StrFormat("%.2f / %.2f", cb.client_cpu_seconds / std::max(1e-9, cb.load.wall_seconds),
                        pb.client_cpu_seconds / std::max(1e-9, pb.load.wall_seconds)),
        " |\n");
  }

  Targets(r, out);

  out += "\n### Queries\n\n| Row | Charon (StoreAPI) / Prometheus | Query |\n|---|---|---|\n";
  for (const RowResult& row : r.rows) {
    const char* api = "";
    switch (row.query.kind) {
      case QueryKind::kSeries:
        api = "Series / remote read STREAMED_XOR_CHUNKS";
        break;
      case QueryKind::kSeriesSkipChunks:
        api = "Series skip_chunks / GET /api/v1/series";
        break;
      case QueryKind::kLabelNames:
        api = "LabelNames / GET /api/v1/labels";
        break;
      case QueryKind::kLabelValues:
        api = "LabelValues / GET /api/v1/label/<name>/values";
        break;
    }
    std::string desc = Describe(row.query);
    std::string escaped;
    for (char ch : desc) {
      if (ch == '|') escaped += '\\';
      escaped += ch;
    }
    absl::StrAppend(&out, "| ", row.query.name, " | ", api, " | `", escaped, "` |\n");
  }
  bool any_wrong = false;
  for (const RowResult& row : r.rows) {
    if (!row.wrong) continue;
    if (!any_wrong) out += "\n### Wrong rows\n\n";
    any_wrong = true;
    absl::StrAppend(&out, "- ", row.query.name, ": ", row.note, "\n");
  }
  absl::StrAppend(&out, "\nThe run took ", absl::StrFormat("%.0f", r.total_seconds), " s (",
                  r.options.min_calls, "+ calls and ", absl::StrFormat("%g", r.options.seconds),
                  " s per client, row and system).\n");
  return out;
}

}  // namespace charon::bench
