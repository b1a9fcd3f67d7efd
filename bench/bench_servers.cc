#include "bench/bench_servers.h"

#include <chrono>
#include <functional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "testing/free_port.h"
#include "testing/temp_dir.h"

namespace charon::bench {
namespace {

constexpr absl::Duration kReadyTimeout = absl::Minutes(10);

// Starts argv(ports) and waits for /-/ready on the HTTP port; retries when a port was lost.
absl::StatusOr<std::unique_ptr<BenchServer>> StartAndWait(
    const std::function<std::vector<std::string>(int query_port, int http_port)>& argv,
    bool separate_http_port, const std::string& log_path) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    CHARON_ASSIGN_OR_RETURN(int query_port, testing::PickFreePort());
    int http_port = query_port;
    if (separate_http_port) {
      CHARON_ASSIGN_OR_RETURN(http_port, testing::PickFreePort());
      if (http_port == query_port) continue;
    }
    testing::ChildProcessOptions child;
    child.argv = argv(query_port, http_port);
    child.log_path = log_path;
    child.stop_timeout = absl::Seconds(20);
    const auto t0 = std::chrono::steady_clock::now();
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<testing::ChildProcess> process,
                            testing::ChildProcess::Start(std::move(child)));
    last = process->WaitForHttp(http_port, "/-/ready", kReadyTimeout);
    if (last.ok()) {
      double ready = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return std::make_unique<BenchServer>(std::move(process), query_port, http_port, ready);
    }
    process->Stop();
    if (process->LogTail().find("in use") == std::string::npos) break;
  }
  return last;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BenchServer>> StartCharon(const CharonServerOptions& options) {
  return StartAndWait(
      [&](int grpc_port, int http_port) {
        std::vector<std::string> argv = {
            options.binary,
            "store",
            options.objstore_yaml.empty()
                ? absl::StrCat("--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ",
                               options.bucket_dir, "\n")
                : "--objstore.config=" + options.objstore_yaml,
            "--data-dir=" + options.data_dir,
            absl::StrCat("--grpc-address=127.0.0.1:", grpc_port),
            absl::StrCat("--http-address=127.0.0.1:", http_port)};
        argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
        return argv;
      },
      /*separate_http_port=*/true, options.log_path);
}

absl::StatusOr<std::unique_ptr<BenchServer>> StartPrometheus(
    const PrometheusServerOptions& options) {
  const std::string config = options.work_dir + "/prometheus.yml";
  CHARON_RETURN_IF_ERROR(testing::WriteFile(config, "scrape_configs: []\n"));
  return StartAndWait(
      [&](int port, int) {
        // One 2h block range, so the blocks are served exactly as written (no compaction), and a
        // retention long enough for old data.
        return std::vector<std::string>{options.binary,
                                        "--config.file=" + config,
                                        "--storage.tsdb.path=" + options.data_dir,
                                        absl::StrCat("--web.listen-address=127.0.0.1:", port),
                                        "--storage.tsdb.retention.time=100y",
                                        "--storage.tsdb.min-block-duration=2h",
                                        "--storage.tsdb.max-block-duration=2h",
                                        "--log.level=warn"};
      },
      /*separate_http_port=*/false, options.log_path);
}

}  // namespace charon::bench
