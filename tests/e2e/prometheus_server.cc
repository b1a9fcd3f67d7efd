#include "e2e/prometheus_server.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "testing/free_port.h"
#include "testing/temp_dir.h"

namespace charon::e2e {

absl::StatusOr<std::unique_ptr<PrometheusServer>> PrometheusServer::Start(
    PrometheusServerOptions options) {
  const std::string config = options.work_dir + "/prometheus.yml";
  CHARON_RETURN_IF_ERROR(testing::WriteFile(config, options.config_yaml));
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    CHARON_ASSIGN_OR_RETURN(int port, testing::PickFreePort());
    testing::ChildProcessOptions child;
    child.argv = {options.binary,
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + options.data_dir,
                  absl::StrCat("--web.listen-address=127.0.0.1:", port),
                  "--storage.tsdb.retention.time=100y",
                  "--storage.tsdb.min-block-duration=2h",
                  "--storage.tsdb.max-block-duration=2h",
                  "--log.level=info"};
    child.log_path = options.work_dir + "/prometheus.log";
    child.working_dir = options.work_dir;
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<testing::ChildProcess> process,
                            testing::ChildProcess::Start(std::move(child)));
    last = process->WaitForHttp(port, "/-/ready", absl::Seconds(60));
    if (last.ok()) {
      return std::unique_ptr<PrometheusServer>(new PrometheusServer(std::move(process), port));
    }
    process->Stop();
    // Only a lost race for the port is worth another try.
    if (process->LogTail().find("address already in use") == std::string::npos) break;
  }
  return last;
}

std::string PrometheusServer::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

}  // namespace charon::e2e
