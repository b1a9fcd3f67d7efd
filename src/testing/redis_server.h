// RedisServer: a real redis-server (Debian's, in PATH) on a free 127.0.0.1 port, run as a child
// process for tests, with persistence off: `redis-server --bind 127.0.0.1 --port <port>
// --save "" --appendonly no`.
//
// As MemcachedServer: Pause (SIGSTOP) keeps the listening socket, so clients connect but get no
// answer (the "hung server" case); Stop kills it ("connection refused"); Restart starts a fresh,
// empty server on the same port. Used from one thread at a time.
#ifndef CHARON_TESTING_REDIS_SERVER_H_
#define CHARON_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::testing {

class RedisServer {
 public:
  // Starts redis-server and waits until it accepts connections. `extra_args` are appended (e.g.
  // {"--requirepass", "s3cret"}). Unavailable if it cannot be started.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(
      std::vector<std::string> extra_args = {});

  ~RedisServer();

  int port() const { return port_; }
  // "127.0.0.1:<port>", as a redis client config's `addr`.
  std::string address() const;

  // SIGSTOP / SIGCONT to the server. FailedPrecondition if it is not running.
  absl::Status Pause();
  absl::Status Resume();
  // Kills the server (resuming it first if paused). Idempotent.
  void Stop();
  // Stops it if running and starts a fresh, empty server on the same port.
  absl::Status Restart();

  // Runs `redis-cli -p <port> <args...>` and returns its standard output (trailing newline
  // removed), e.g. Cli({"DBSIZE"}) or Cli({"-n", "3", "GET", key}). Unavailable on failure.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;

 private:
  RedisServer(TempDir dir, int port, std::vector<std::string> extra_args)
      : dir_(std::move(dir)), port_(port), extra_args_(std::move(extra_args)) {}
  absl::Status Launch();

  TempDir dir_;
  int port_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<ChildProcess> process_;
  bool paused_ = false;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_REDIS_SERVER_H_
