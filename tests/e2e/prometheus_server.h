// PrometheusServer: a real Prometheus serving a directory of existing TSDB blocks, as the oracle of
// the conformance test.
//
// By default it runs with an empty scrape config, so its head stays empty and the blocks are all it
// knows; `config_yaml` gives it targets to scrape instead.
// Flags that keep the blocks as they are (Prometheus 2.42):
//  * --storage.tsdb.retention.time=100y: time retention counts back from the newest block, so old
//    test data is never dropped;
//  * --storage.tsdb.min-block-duration=2h and --storage.tsdb.max-block-duration=2h (hidden flags):
//    a single 2h block range, so adjacent blocks are never compacted into longer ones. Overlapping
//    blocks are still merged by vertical compaction (always on since 2.39); callers keep overlaps
//    inside one 2h window so that merging changes no block's time range.
// Start tries new ports if the chosen one was taken meanwhile. Not thread-safe; the server is
// stopped (SIGTERM, then SIGKILL) when the object dies.
#ifndef CHARON_TESTS_E2E_PROMETHEUS_SERVER_H_
#define CHARON_TESTS_E2E_PROMETHEUS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "testing/child_process.h"

namespace charon::e2e {

struct PrometheusServerOptions {
  std::string binary = "prometheus";  // looked up in PATH
  std::string data_dir;               // --storage.tsdb.path, holding <ULID>/ block directories
  std::string work_dir;               // prometheus.yml and prometheus.log go here
  std::string config_yaml = "scrape_configs: []\n";  // written to prometheus.yml
};

class PrometheusServer {
 public:
  // Starts Prometheus and waits until /-/ready answers 200. Unavailable or DeadlineExceeded (with
  // the log's tail) if it does not come up.
  static absl::StatusOr<std::unique_ptr<PrometheusServer>> Start(PrometheusServerOptions options);

  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:<port>
  testing::ChildProcess& process() { return *process_; }

 private:
  PrometheusServer(std::unique_ptr<testing::ChildProcess> process, int port)
      : process_(std::move(process)), port_(port) {}

  std::unique_ptr<testing::ChildProcess> process_;
  int port_;
};

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_PROMETHEUS_SERVER_H_
