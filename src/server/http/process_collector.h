// ProcessCollector: the process_* metrics the Prometheus client libraries export by default, read
// from /proc/self at every scrape as client_golang's process collector does, so dashboards and
// alerts written for Go servers (the Thanos mixin's resource panels) work unchanged:
//
//   process_cpu_seconds_total          counter  user + system CPU time, seconds
//   process_resident_memory_bytes      gauge    resident set size
//   process_virtual_memory_bytes       gauge    virtual memory size
//   process_virtual_memory_max_bytes   gauge    RLIMIT_AS (-1 when unlimited, as the Go client)
//   process_open_fds                   gauge    entries of /proc/self/fd
//   process_max_fds                    gauge    soft RLIMIT_NOFILE
//   process_start_time_seconds         gauge    start of the process, seconds since the epoch
//
// A value that cannot be read is left out of that scrape (logged at debug), never reported as 0.
// Thread-safe: Collect only reads procfs.
#ifndef CHARON_SERVER_HTTP_PROCESS_COLLECTOR_H_
#define CHARON_SERVER_HTTP_PROCESS_COLLECTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace charon::server::http {

// The figures of one reading of a process' procfs directory.
struct ProcessStats {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
  std::optional<double> open_fds;
  std::optional<double> max_fds;
  std::optional<double> virtual_max_bytes;
};

// Reads `proc_dir` ("/proc/self" in production). `stat_file` is the system-wide /proc/stat, for
// the boot time. Unavailable when the stat file cannot be read, DataLoss when it does not parse.
absl::StatusOr<ProcessStats> ReadProcessStats(const std::string& proc_dir = "/proc/self",
                                              const std::string& stat_file = "/proc/stat");

class ProcessCollector final : public prometheus::Collectable {
 public:
  explicit ProcessCollector(std::string proc_dir = "/proc/self") : proc_dir_(std::move(proc_dir)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string proc_dir_;
};

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_PROCESS_COLLECTOR_H_
