// The two systems under test as child processes: `charon store` on a bucket (FILESYSTEM, or any
// objstore YAML) and
// Prometheus 2.x on a directory of blocks. Start returns once /-/ready answers 200 and records how
// long that took from the spawn; both retry with new ports when a chosen port was taken meanwhile.
// The process is stopped (SIGTERM, then SIGKILL) when the object dies. Not thread-safe.
#ifndef CHARON_BENCH_BENCH_SERVERS_H_
#define CHARON_BENCH_BENCH_SERVERS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "testing/child_process.h"

namespace charon::bench {

class BenchServer {
 public:
  BenchServer(std::unique_ptr<testing::ChildProcess> process, int query_port, int http_port,
              double ready_seconds)
      : process_(std::move(process)),
        query_port_(query_port),
        http_port_(http_port),
        ready_seconds_(ready_seconds) {}

  pid_t pid() const { return process_->pid(); }
  int query_port() const { return query_port_; }  // gRPC for Charon, HTTP for Prometheus
  int http_port() const { return http_port_; }
  double ready_seconds() const { return ready_seconds_; }
  void Stop() { process_->Stop(); }

 private:
  std::unique_ptr<testing::ChildProcess> process_;
  int query_port_;
  int http_port_;
  double ready_seconds_;
};

struct CharonServerOptions {
  std::string binary;      // the charon executable
  std::string bucket_dir;  // FILESYSTEM bucket root
  // When set, --objstore.config instead of a FILESYSTEM bucket on `bucket_dir`.
  std::string objstore_yaml;
  std::string data_dir;  // --data-dir; created if missing
  std::string log_path;
  std::vector<std::string> extra_flags;
};

struct PrometheusServerOptions {
  std::string binary = "prometheus";
  std::string data_dir;  // --storage.tsdb.path, holding the blocks
  std::string work_dir;  // prometheus.yml goes here
  std::string log_path;
};

// Unavailable or DeadlineExceeded (with the log's tail) if the server does not become ready.
absl::StatusOr<std::unique_ptr<BenchServer>> StartCharon(const CharonServerOptions& options);
absl::StatusOr<std::unique_ptr<BenchServer>> StartPrometheus(
    const PrometheusServerOptions& options);

}  // namespace charon::bench

#endif  // CHARON_BENCH_BENCH_SERVERS_H_
