#include "bench/remote_runner.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "bench/bench_servers.h"
#include "bench/charon_client.h"
#include "bench/remote_buckets.h"
#include "fmt/core.h"
#include "testing/memcached_server.h"
#include "testing/redis_server.h"

namespace charon::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// What a store's /metrics says of the index cache (sums of thanos_store_index_cache_requests_total
// and _hits_total over item types) and of the process' CPU; all -1 when the page cannot be read.
struct StoreCounts {
  double cache_requests = -1;
  double cache_hits = -1;
  double cpu_seconds = -1;
};

StoreCounts ScrapeStoreCounts(int http_port) {
  std::string body;
  CURL* h = curl_easy_init();
  if (h == nullptr) return {};
  const std::string url = absl::StrCat("http://127.0.0.1:", http_port, "/metrics");
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  const CURLcode rc = curl_easy_perform(h);
  curl_easy_cleanup(h);
  if (rc != CURLE_OK) return {};
  StoreCounts counts{0, 0, -1};
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    double* sum =
        absl::StartsWith(line, "thanos_store_index_cache_requests_total{") ? &counts.cache_requests
        : absl::StartsWith(line, "thanos_store_index_cache_hits_total{")   ? &counts.cache_hits
                                                                           : nullptr;
    if (sum != nullptr) *sum += std::stod(line.substr(line.rfind(' ') + 1));
    if (absl::StartsWith(line, "process_cpu_seconds_total ")) {
      counts.cpu_seconds = std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return counts;
}

class RemoteRunner {
 public:
  explicit RemoteRunner(const RemoteOptions& options) : options_(options) {}

  absl::StatusOr<RemoteReport> Run();

 private:
  // Starts Charon on the bucket of `blocks` blocks with an empty data dir and `index_cache` (a
  // RemoteOptions::index_caches name, emptied first; "" = default flags), recording the start-up.
  absl::StatusOr<std::unique_ptr<BenchServer>> Start(size_t count_index, int delay_index,
                                                     const std::string& index_cache);
  absl::StatusOr<std::vector<std::string>> IndexCacheFlags(const std::string& index_cache);
  absl::Status ColdRows(size_t count_index, int delay_index);
  absl::Status WarmRows(size_t count_index, int delay_index);
  absl::Status WarmRows(size_t count_index, int delay_index, const std::string& index_cache);
  void Check(RemoteRow& row);

  const RemoteOptions& options_;
  RemoteReport report_;
  std::unique_ptr<RemoteBuckets> buckets_;
  std::unique_ptr<testing::MemcachedServer> memcached_;
  std::unique_ptr<testing::RedisServer> redis_;
};

absl::StatusOr<std::vector<std::string>> RemoteRunner::IndexCacheFlags(
    const std::string& index_cache) {
  if (index_cache.empty() || index_cache == "inmemory") return std::vector<std::string>{};
  if (index_cache == "none") return std::vector<std::string>{"--index-cache-size=0"};
  if (index_cache == "memcached") {
    if (memcached_ == nullptr) {
      CHARON_ASSIGN_OR_RETURN(memcached_, testing::MemcachedServer::Start({"-m", "1024"}));
    }
    CHARON_RETURN_IF_ERROR(memcached_->FlushAll());
    return std::vector<std::string>{
        absl::StrCat("--index-cache.config=type: MEMCACHED\nconfig:\n  addresses: [\"",
                     memcached_->address(), "\"]\n")};
  }
  if (index_cache == "redis") {
    if (redis_ == nullptr) {
      CHARON_ASSIGN_OR_RETURN(redis_, testing::RedisServer::Start());
    }
    CHARON_RETURN_IF_ERROR(redis_->FlushAll());
    return std::vector<std::string>{absl::StrCat(
        "--index-cache.config=type: REDIS\nconfig:\n  addr: \"", redis_->address(), "\"\n")};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown index cache ", index_cache, " (none, inmemory, memcached, redis)"));
}

absl::StatusOr<std::unique_ptr<BenchServer>> RemoteRunner::Start(size_t count_index,
                                                                 int delay_index,
                                                                 const std::string& index_cache) {
  CHARON_ASSIGN_OR_RETURN(std::vector<std::string> cache_flags, IndexCacheFlags(index_cache));
  const std::string data_dir = options_.work_dir + "/charon-data";
  std::error_code ec;
  fs::remove_all(data_dir, ec);
  CharonServerOptions o;
  o.binary = options_.charon_binary;
  o.objstore_yaml = buckets_->ObjstoreYaml(options_.block_counts[count_index]);
  o.data_dir = data_dir;
  o.log_path = options_.work_dir + "/charon.log";
  // No re-sync during the run: its requests would be counted against the calls.
  o.extra_flags = {"--log.level=warn", "--sync-block-duration=24h"};
  o.extra_flags.insert(o.extra_flags.end(), cache_flags.begin(), cache_flags.end());
  const int64_t before = buckets_->proxy().requests();
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> server, StartCharon(o));
  RemoteStartup& s = report_.startup[count_index];
  s.ready_seconds[delay_index].push_back(server->ready_seconds());
  s.requests[delay_index].push_back(buckets_->proxy().requests() - before);
  return server;
}

absl::Status RemoteRunner::ColdRows(size_t count_index, int delay_index) {
  for (RemoteRow& row : report_.rows) {
    RemoteCell& cell = row.cells[count_index][delay_index];
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> server,
                            Start(count_index, delay_index, row.index_cache));
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<CharonClient> client,
                            CharonClient::Connect(absl::StrCat("127.0.0.1:", server->query_port()),
                                                  0, options_.call_timeout_seconds));
    const int64_t before = buckets_->proxy().requests();
    const Clock::time_point t0 = Clock::now();
    absl::StatusOr<CallCounts> r = client->Call(row.query);
    cell.cold_seconds = Since(t0);
    cell.cold_requests = buckets_->proxy().requests() - before;
    if (!r.ok()) {
      cell.error = absl::StrCat("cold: ", r.status().ToString());
    } else {
      cell.items = r->items;
    }
  }
  return absl::OkStatus();
}

absl::Status RemoteRunner::WarmRows(size_t count_index, int delay_index) {
  // One process per index cache, serving every row.
  std::vector<std::string> caches = options_.index_caches;
  if (caches.empty()) caches.push_back("");
  for (const std::string& cache : caches) {
    CHARON_RETURN_IF_ERROR(WarmRows(count_index, delay_index, cache));
  }
  return absl::OkStatus();
}

absl::Status RemoteRunner::WarmRows(size_t count_index, int delay_index,
                                    const std::string& index_cache) {
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<BenchServer> server,
                          Start(count_index, delay_index, index_cache));
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<CharonClient> client,
                          CharonClient::Connect(absl::StrCat("127.0.0.1:", server->query_port()), 0,
                                                options_.call_timeout_seconds));
  for (RemoteRow& row : report_.rows) {
    if (row.index_cache != index_cache) continue;
    RemoteCell& cell = row.cells[count_index][delay_index];
    absl::StatusOr<CallCounts> warmup = client->Call(row.query);
    if (!warmup.ok()) {
      if (cell.error.empty()) cell.error = absl::StrCat("warm: ", warmup.status().ToString());
      continue;
    }
    if (cell.items < 0) cell.items = warmup->items;
    if (cell.items != warmup->items) {
      cell.error = absl::StrCat("cold answered ", cell.items, " items, warm ", warmup->items);
    }
    std::vector<double> latencies;
    const StoreCounts counts_before = ScrapeStoreCounts(server->http_port());
    const int64_t before = buckets_->proxy().requests();
    for (int i = 0; i < options_.warm_calls; ++i) {
      const Clock::time_point t0 = Clock::now();
      absl::StatusOr<CallCounts> r = client->Call(row.query);
      latencies.push_back(Since(t0));
      if (!r.ok() || r->items != warmup->items) {
        cell.error = r.ok() ? "warm answers varied" : absl::StrCat("warm: ", r.status().ToString());
        break;
      }
    }
    cell.warm_requests_per_call = static_cast<double>(buckets_->proxy().requests() - before) /
                                  static_cast<double>(latencies.size());
    const StoreCounts counts_after = ScrapeStoreCounts(server->http_port());
    if (counts_before.cache_requests >= 0 &&
        counts_after.cache_requests > counts_before.cache_requests) {
      cell.warm_hit_ratio = (counts_after.cache_hits - counts_before.cache_hits) /
                            (counts_after.cache_requests - counts_before.cache_requests);
    }
    if (counts_before.cpu_seconds >= 0 && counts_after.cpu_seconds >= 0 && !latencies.empty()) {
      cell.warm_cpu_ms_per_call = 1000 * (counts_after.cpu_seconds - counts_before.cpu_seconds) /
                                  static_cast<double>(latencies.size());
    }
    std::sort(latencies.begin(), latencies.end());
    cell.warm_p50_seconds = latencies[latencies.size() / 2];
  }
  return absl::OkStatus();
}

void RemoteRunner::Check(RemoteRow& row) {
  int64_t items = -1;
  for (const auto& pair : row.cells) {
    for (const RemoteCell& cell : pair) {
      if (!cell.error.empty()) {
        row.wrong = true;
        absl::StrAppend(&row.note, row.note.empty() ? "" : "; ", cell.error);
      }
      if (cell.items < 0) continue;
      if (items < 0) items = cell.items;
      if (cell.items != items) {
        row.wrong = true;
        absl::StrAppend(&row.note, row.note.empty() ? "" : "; ", "answers ", items, " and ",
                        cell.items, " items at different block counts or delays");
      }
    }
  }
}

absl::StatusOr<RemoteReport> RemoteRunner::Run() {
  const Clock::time_point start = Clock::now();
  report_.options = options_;
  if (options_.block_counts.empty() || options_.delay_ms <= 0 || options_.warm_calls < 1) {
    return absl::InvalidArgumentError("remote mode: block counts, a delay and warm calls needed");
  }
  CHARON_ASSIGN_OR_RETURN(DatasetSize size, DatasetSizeByName(options_.size));
  CHARON_ASSIGN_OR_RETURN(report_.dataset, EnsureDataset(size, options_.cache_root));
  std::error_code ec;
  fs::remove_all(options_.work_dir, ec);
  fs::create_directories(options_.work_dir, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("mkdir ", options_.work_dir, ": ", ec.message()));
  }
  for (const auto& entry : fs::directory_iterator(report_.dataset.blocks_dir, ec)) {
    if (entry.is_directory()) ++report_.base_blocks;
  }
  const Clock::time_point upload = Clock::now();
  CHARON_ASSIGN_OR_RETURN(buckets_,
                          RemoteBuckets::Start(report_.dataset.blocks_dir, options_.block_counts));
  report_.upload_seconds = Since(upload);
  report_.uploaded_bytes = buckets_->uploaded_bytes();
  fmt::print(stderr, "remote: uploaded {:.1f} MB in {:.1f}s\n",
             static_cast<double>(report_.uploaded_bytes) / 1e6, report_.upload_seconds);

  std::vector<std::string> only = absl::StrSplit(options_.only_rows, ',', absl::SkipEmpty());
  std::vector<std::string> caches = options_.index_caches;
  if (caches.empty()) caches.push_back("");
  for (BenchQuery& q : QuerySet(size)) {
    if (!only.empty() && std::find(only.begin(), only.end(), q.name) == only.end()) continue;
    for (const std::string& cache : caches) {
      RemoteRow row;
      row.query = q;
      row.index_cache = cache;
      row.cells.resize(options_.block_counts.size());
      report_.rows.push_back(std::move(row));
    }
  }
  report_.startup.resize(options_.block_counts.size());
  for (size_t c = 0; c < options_.block_counts.size(); ++c) {
    for (int d = 0; d < 2; ++d) {
      const Clock::time_point t0 = Clock::now();
      buckets_->proxy().SetDelay(d == 0 ? absl::ZeroDuration()
                                        : absl::Milliseconds(options_.delay_ms));
      if (options_.cold) CHARON_RETURN_IF_ERROR(ColdRows(c, d));
      CHARON_RETURN_IF_ERROR(WarmRows(c, d));
      fmt::print(stderr, "remote: {} blocks at {} ms done ({:.1f}s)\n", options_.block_counts[c],
                 d == 0 ? 0.0 : options_.delay_ms, Since(t0));
    }
  }
  for (RemoteRow& row : report_.rows) Check(row);
  // Every index cache must give the same answer.
  for (RemoteRow& row : report_.rows) {
    for (const RemoteRow& other : report_.rows) {
      if (other.query.name != row.query.name || &other == &row) continue;
      for (size_t c = 0; c < row.cells.size(); ++c) {
        const int64_t a = row.cells[c][1].items, b = other.cells[c][1].items;
        if (a >= 0 && b >= 0 && a != b) {
          row.wrong = true;
          absl::StrAppend(&row.note, row.note.empty() ? "" : "; ", "answers ", a, " items, with ",
                          other.index_cache, " ", b);
        }
      }
    }
  }
  report_.total_seconds = Since(start);
  return std::move(report_);
}

}  // namespace

absl::StatusOr<RemoteReport> RunRemoteBenchmark(const RemoteOptions& options) {
  RemoteRunner runner(options);
  return runner.Run();
}

}  // namespace charon::bench
