#include "bench/bench_runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "bench/bench_servers.h"
#include "bench/charon_client.h"
#include "bench/process_stats.h"
#include "bench/prometheus_client.h"
#include "fmt/core.h"

namespace charon::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Times `decode` over a captured answer: repeated until 0.3 s have passed (at most 50 times).
template <typename F>
double TimeDecode(F decode) {
  const Clock::time_point t0 = Clock::now();
  int reps = 0;
  do {
    decode();
    ++reps;
  } while (reps < 50 && Since(t0) < 0.3);
  return Since(t0) / reps;
}

class Runner {
 public:
  explicit Runner(const BenchOptions& options) : options_(options) {}

  absl::StatusOr<BenchReport> Run();

 private:
  absl::Status Prepare();
  absl::Status ColdRow(RowResult& row);
  absl::Status WarmRows();
  void WarmRow(RowResult& row);
  SystemRun Measure(const BenchServer& server, int clients,
                    const std::function<absl::StatusOr<CallCounts>(int)>& call);

  CharonServerOptions CharonOptions(const std::string& data_dir) const {
    CharonServerOptions o;
    o.binary = options_.charon_binary;
    o.bucket_dir = report_.dataset.blocks_dir;
    o.data_dir = data_dir;
    o.log_path = options_.work_dir + "/charon.log";
    o.extra_flags = {"--log.level=warn"};
    return o;
  }
  PrometheusServerOptions PromOptions() const {
    PrometheusServerOptions o;
    o.binary = options_.prometheus_binary;
    o.data_dir = options_.work_dir + "/prometheus-data";
    o.work_dir = options_.work_dir;
    o.log_path = options_.work_dir + "/prometheus.log";
    return o;
  }
  static void Fail(RowResult& row, std::string why) {
    row.wrong = true;
    if (!row.note.empty()) row.note += "; ";
    row.note += why;
  }

  const BenchOptions& options_;
  BenchReport report_;
  std::vector<std::unique_ptr<CharonClient>> charon_clients_;
  std::vector<std::unique_ptr<CharonClient>> charon_batched_clients_;  // charon_batched_size
  std::vector<std::unique_ptr<PrometheusClient>> prom_clients_;
  std::unique_ptr<BenchServer> charon_, prom_;
};

absl::Status Runner::Prepare() {
  CHARON_ASSIGN_OR_RETURN(DatasetSize size, DatasetSizeByName(options_.size));
  CHARON_ASSIGN_OR_RETURN(report_.dataset, EnsureDataset(size, options_.cache_root));
  std::error_code ec;
  fs::remove_all(options_.work_dir, ec);
  fs::create_directories(options_.work_dir, ec);
  if (ec)
    return absl::UnavailableError(absl::StrCat("mkdir ", options_.work_dir, ": ", ec.message()));
  // Prometheus gets its own copy: it writes a WAL and a lock file next to the blocks.
  fs::copy(report_.dataset.blocks_dir, options_.work_dir + "/prometheus-data",
           fs::copy_options::recursive, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("copying the blocks: ", ec.message()));
  for (const auto& entry : fs::directory_iterator(report_.dataset.blocks_dir, ec)) {
    if (entry.is_directory()) ++report_.blocks;
  }
  report_.index_bytes = FileBytesUnder(report_.dataset.blocks_dir, "index");
  report_.chunk_file_bytes = FileBytesUnder(report_.dataset.blocks_dir) - report_.index_bytes;
  std::vector<std::string> only = absl::StrSplit(options_.only_rows, ',', absl::SkipEmpty());
  for (BenchQuery& q : QuerySet(size)) {
    if (!only.empty() && std::find(only.begin(), only.end(), q.name) == only.end()) continue;
    RowResult row;
    row.query = std::move(q);
    report_.rows.push_back(std::move(row));
  }
  return absl::OkStatus();
}

absl::Status Runner::ColdRow(RowResult& row) {
  const std::string data_dir = options_.work_dir + "/charon-cold";
  std::error_code ec;
  fs::remove_all(data_dir, ec);
  {
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> s, StartCharon(CharonOptions(data_dir)));
    report_.charon.ready_empty_seconds.push_back(s->ready_seconds());
    CHARON_ASSIGN_OR_RETURN(
        std::unique_ptr<CharonClient> c,
        CharonClient::Connect(absl::StrCat("127.0.0.1:", s->query_port()),
                              options_.charon_batch_size, options_.call_timeout_seconds));
    Clock::time_point t0 = Clock::now();
    absl::StatusOr<CallCounts> r = c->Call(row.query);
    row.charon_cold_seconds = Since(t0);
    if (!r.ok()) Fail(row, absl::StrCat("charon cold: ", r.status().ToString()));
  }
  {
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> s, StartPrometheus(PromOptions()));
    report_.prom.ready_empty_seconds.push_back(s->ready_seconds());
    CHARON_ASSIGN_OR_RETURN(
        std::unique_ptr<PrometheusClient> c,
        PrometheusClient::Create(absl::StrCat("http://127.0.0.1:", s->query_port()),
                                 options_.call_timeout_seconds));
    Clock::time_point t0 = Clock::now();
    absl::StatusOr<CallCounts> r = c->Call(row.query);
    row.prom_cold_seconds = Since(t0);
    if (!r.ok()) Fail(row, absl::StrCat("prometheus cold: ", r.status().ToString()));
  }
  return absl::OkStatus();
}

SystemRun Runner::Measure(const BenchServer& server, int clients,
                          const std::function<absl::StatusOr<CallCounts>(int)>& call) {
  LoadOptions lo;
  lo.clients = clients;
  lo.min_calls = options_.min_calls;
  lo.seconds = options_.seconds;
  SystemRun run;
  const double server0 = ProcCpuSeconds(server.pid()).value_or(0);
  const double self0 = SelfCpuSeconds();
  run.load = RunLoad(lo, call);
  run.server_cpu_seconds = ProcCpuSeconds(server.pid()).value_or(0) - server0;
  run.client_cpu_seconds = SelfCpuSeconds() - self0;
  return run;
}

void Runner::WarmRow(RowResult& row) {
  const BenchQuery& q = row.query;
  // Warm-up call, captured for the count check and the client-overhead measurement.
  std::vector<std::string> charon_capture;
  absl::StatusOr<CallCounts> c = charon_clients_[0]->Call(q, &charon_capture);
  if (!c.ok()) {
    Fail(row, absl::StrCat("charon: ", c.status().ToString()));
  } else {
    row.charon_items = c->items;
    for (const std::string& m : charon_capture)
      row.charon_wire_bytes += static_cast<int64_t>(m.size());
    row.charon_decode_seconds = TimeDecode([&] { (void)CharonClient::Decode(q, charon_capture); });
  }
  charon_capture = {};
  std::string prom_capture;
  absl::StatusOr<CallCounts> p = prom_clients_[0]->Call(q, &prom_capture);
  if (!p.ok()) {
    Fail(row, absl::StrCat("prometheus: ", p.status().ToString()));
  } else {
    row.prom_items = p->items;
    row.prom_wire_bytes = static_cast<int64_t>(prom_capture.size());
    row.prom_decode_seconds = TimeDecode([&] { (void)PrometheusClient::Decode(q, prom_capture); });
  }
  prom_capture = {};
  if (c.ok() && p.ok() && row.charon_items != row.prom_items) {
    Fail(row,
         absl::StrCat("count differs: charon ", row.charon_items, ", prometheus ", row.prom_items));
  }
  // A system that could not answer the warm-up call is not measured under load (it would only
  // wait for the same error once per client).
  if (!c.ok() || !p.ok()) return;
  for (int n : options_.concurrency) {
    row.charon.push_back(Measure(*charon_, n, [&](int i) { return charon_clients_[i]->Call(q); }));
    row.prom.push_back(Measure(*prom_, n, [&](int i) { return prom_clients_[i]->Call(q); }));
    for (const auto& [name, run, items] :
         {std::tuple("charon", &row.charon.back(), row.charon_items),
          std::tuple("prometheus", &row.prom.back(), row.prom_items)}) {
      if (!run->load.error.ok()) {
        Fail(row, absl::StrCat(name, " with ", n, " clients: ", run->load.error.ToString()));
      } else if (!run->load.items_consistent || run->load.items_per_call != items) {
        Fail(row, absl::StrCat(name, " answered with varying counts under load"));
      }
    }
  }
  if (charon_batched_clients_.empty() || !(q.is_series() || q.kind == QueryKind::kSeriesSkipChunks))
    return;
  for (int n : options_.concurrency) {
    row.charon_batched.push_back(
        Measure(*charon_, n, [&](int i) { return charon_batched_clients_[i]->Call(q); }));
    const LoadResult& load = row.charon_batched.back().load;
    if (!load.error.ok()) {
      Fail(row, absl::StrCat("charon batched with ", n, " clients: ", load.error.ToString()));
    } else if (!load.items_consistent || load.items_per_call != row.charon_items) {
      Fail(row, absl::StrCat("charon batched answered ", load.items_per_call, " items, unbatched ",
                             row.charon_items));
    }
  }
}

absl::Status Runner::WarmRows() {
  const std::string data_dir = options_.work_dir + "/charon-warm";
  CHARON_ASSIGN_OR_RETURN(charon_, StartCharon(CharonOptions(data_dir)));
  report_.charon.ready_empty_seconds.push_back(charon_->ready_seconds());
  CHARON_ASSIGN_OR_RETURN(prom_, StartPrometheus(PromOptions()));
  report_.prom.ready_empty_seconds.push_back(prom_->ready_seconds());
  int max_clients = 1;
  for (int n : options_.concurrency) max_clients = std::max(max_clients, n);
  for (int i = 0; i < max_clients; ++i) {
    CHARON_ASSIGN_OR_RETURN(
        std::unique_ptr<CharonClient> c,
        CharonClient::Connect(absl::StrCat("127.0.0.1:", charon_->query_port()),
                              options_.charon_batch_size, options_.call_timeout_seconds));
    charon_clients_.push_back(std::move(c));
    if (options_.charon_batched_size > 0) {
      CHARON_ASSIGN_OR_RETURN(
          std::unique_ptr<CharonClient> b,
          CharonClient::Connect(absl::StrCat("127.0.0.1:", charon_->query_port()),
                                options_.charon_batched_size, options_.call_timeout_seconds));
      charon_batched_clients_.push_back(std::move(b));
    }
    CHARON_ASSIGN_OR_RETURN(
        std::unique_ptr<PrometheusClient> p,
        PrometheusClient::Create(absl::StrCat("http://127.0.0.1:", prom_->query_port()),
                                 options_.call_timeout_seconds));
    prom_clients_.push_back(std::move(p));
  }
  for (RowResult& row : report_.rows) {
    Clock::time_point t0 = Clock::now();
    WarmRow(row);
    row.charon_rss_bytes = ProcStatusBytes(charon_->pid(), "VmRSS").value_or(0);
    row.charon_hwm_bytes = ProcStatusBytes(charon_->pid(), "VmHWM").value_or(0);
    row.prom_rss_bytes = ProcStatusBytes(prom_->pid(), "VmRSS").value_or(0);
    row.prom_hwm_bytes = ProcStatusBytes(prom_->pid(), "VmHWM").value_or(0);
    fmt::print(stderr, "warm {:<22} charon {:>8} prometheus {:>8} {} ({:.1f}s)\n", row.query.name,
               row.charon_items, row.prom_items, row.wrong ? "WRONG: " + row.note : "ok",
               Since(t0));
  }
  report_.charon.peak_rss_bytes = ProcStatusBytes(charon_->pid(), "VmHWM").value_or(0);
  report_.charon.rss_anon_bytes = ProcStatusBytes(charon_->pid(), "RssAnon").value_or(0);
  report_.prom.peak_rss_bytes = ProcStatusBytes(prom_->pid(), "VmHWM").value_or(0);
  report_.prom.rss_anon_bytes = ProcStatusBytes(prom_->pid(), "RssAnon").value_or(0);
  report_.index_header_bytes = FileBytesUnder(data_dir, "index-header");
  charon_clients_.clear();
  charon_batched_clients_.clear();
  prom_clients_.clear();
  charon_.reset();
  prom_.reset();
  // A restart that finds the index-headers already built.
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> again, StartCharon(CharonOptions(data_dir)));
  report_.charon.ready_restart_seconds = again->ready_seconds();
  again.reset();
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> prom_again, StartPrometheus(PromOptions()));
  report_.prom.ready_restart_seconds = prom_again->ready_seconds();
  return absl::OkStatus();
}

absl::StatusOr<BenchReport> Runner::Run() {
  const Clock::time_point t0 = Clock::now();
  report_.options = options_;
  CHARON_RETURN_IF_ERROR(Prepare());
  if (options_.cold) {
    for (RowResult& row : report_.rows) {
      CHARON_RETURN_IF_ERROR(ColdRow(row));
      fmt::print(stderr, "cold {:<22} charon {:.3f}s prometheus {:.3f}s\n", row.query.name,
                 row.charon_cold_seconds, row.prom_cold_seconds);
    }
  }
  CHARON_RETURN_IF_ERROR(WarmRows());
  report_.total_seconds = Since(t0);
  return std::move(report_);
}

}  // namespace

absl::StatusOr<BenchReport> RunBenchmark(const BenchOptions& options) {
  Runner runner(options);
  return runner.Run();
}

}  // namespace charon::bench
