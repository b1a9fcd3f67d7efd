// Process measurements for the benchmark: run a command to completion with its peak memory
// (wait4's ru_maxrss), and read the memory figures of a running process from /proc.
#ifndef CHARON_BENCH_PROCESS_STATS_H_
#define CHARON_BENCH_PROCESS_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace charon::bench {

struct MeasuredRun {
  int exit_code = 0;  // 128 + signal when killed
  double seconds = 0;
  int64_t max_rss_bytes = 0;
};

// Runs argv (argv[0] looked up in PATH) with stdout and stderr appended to `log_path`.
// Unavailable if it cannot be started; a non-zero exit is not an error here.
absl::StatusOr<MeasuredRun> RunMeasured(const std::vector<std::string>& argv,
                                        const std::string& log_path);

// A "<field>: <n> kB" line of /proc/<pid>/status in bytes (VmHWM, VmRSS, RssAnon, RssFile).
// NotFound if the process or the field does not exist.
absl::StatusOr<int64_t> ProcStatusBytes(pid_t pid, std::string_view field);

// User + system CPU seconds the process has used so far (/proc/<pid>/stat). NotFound if it is gone.
absl::StatusOr<double> ProcCpuSeconds(pid_t pid);

// User + system CPU seconds of this process, all threads.
double SelfCpuSeconds();

// Sum of the sizes of the regular files under `dir` whose name is `file_name` ("" = all files).
int64_t FileBytesUnder(const std::string& dir, std::string_view file_name = "");

}  // namespace charon::bench

#endif  // CHARON_BENCH_PROCESS_STATS_H_
