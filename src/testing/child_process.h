// Child processes for tests: short commands whose output is needed (RunCommand), and long-running
// servers (memcached, redis, Prometheus, an S3 server) managed by ChildProcess.
//
// ChildProcess starts the command in its own process group, sends its stdout and stderr to a log
// file, and on destruction sends SIGTERM to the group, waits up to `stop_timeout`, then SIGKILL.
// Readiness is polled: WaitForTcpPort / WaitForHttp return as soon as the server answers, and fail
// early (with the log's tail in the message) if the process exits first. A ChildProcess is used
// from one thread at a time.
#ifndef CHARON_TESTING_CHILD_PROCESS_H_
#define CHARON_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::testing {

struct CommandResult {
  int exit_code = 0;  // 128 + signal number if killed by a signal
  std::string stdout_text;
  std::string stderr_text;
};

// Runs argv (argv[0] looked up in PATH) to completion, capturing both streams. `stdin_text` is fed
// to its standard input. Unavailable if it cannot be started; a non-zero exit is not an error here.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         std::string_view stdin_text = "");

// Sends SIGSTOP to `pid` and waits until the kernel reports it stopped (kill() returns before the
// target has stopped, so a test that pauses a server and then calls it could still be answered).
// Unavailable if the signal cannot be sent, DeadlineExceeded if it is not stopped in `timeout`.
absl::Status StopAndWait(pid_t pid, absl::Duration timeout = absl::Seconds(10));

struct ChildProcessOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  // stdout and stderr are appended here; required, so a failing server can be diagnosed.
  std::string log_path;
  std::string working_dir;                 // "" = inherit
  std::map<std::string, std::string> env;  // added to (or overriding) the parent's environment
  absl::Duration stop_timeout = absl::Seconds(5);
};

class ChildProcess {
 public:
  // Unavailable if the log cannot be opened or the process cannot be started; an exec failure
  // (e.g. binary not in PATH) shows up as an early exit with code 127.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(ChildProcessOptions options);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // OK once a TCP connect to 127.0.0.1:`port` succeeds. FailedPrecondition if the process exited,
  // DeadlineExceeded after `timeout`.
  absl::Status WaitForTcpPort(int port, absl::Duration timeout = absl::Seconds(30));

  // OK once GET http://127.0.0.1:`port``path` answers with a 2xx status. Errors as WaitForTcpPort.
  absl::Status WaitForHttp(int port, std::string_view path,
                           absl::Duration timeout = absl::Seconds(30));

  // SIGTERM, then SIGKILL after stop_timeout; returns the exit code (128 + signal if signalled).
  // Idempotent.
  int Stop();

  bool Running();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return options_.log_path; }
  // The last `max_bytes` of the log, for error messages.
  std::string LogTail(size_t max_bytes = 4096) const;

 private:
  ChildProcess(ChildProcessOptions options, pid_t pid) : options_(std::move(options)), pid_(pid) {}
  absl::Status ExitedError();

  ChildProcessOptions options_;
  pid_t pid_;
  bool reaped_ = false;
  int exit_code_ = 0;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_CHILD_PROCESS_H_
