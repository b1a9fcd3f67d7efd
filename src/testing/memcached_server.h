// MemcachedServer: a real memcached (the `memcached` binary in PATH) on a free 127.0.0.1 port,
// run as a child process for tests: `memcached -l 127.0.0.1 -p <port> -U 0`.
//
// Pause (SIGSTOP) leaves the listening socket open, so clients still connect but get no answer:
// the "slow / hung server" case. Stop kills it: the "connection refused" case. Start again with
// Restart, on the same port. Used from one thread at a time.
#ifndef CHARON_TESTING_MEMCACHED_SERVER_H_
#define CHARON_TESTING_MEMCACHED_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::testing {

class MemcachedServer {
 public:
  // Starts memcached and waits until it accepts connections. `extra_args` are appended (e.g.
  // {"-m", "64"}). Unavailable if it cannot be started (retried on a new port if the port was
  // taken meanwhile).
  static absl::StatusOr<std::unique_ptr<MemcachedServer>> Start(
      std::vector<std::string> extra_args = {});

  ~MemcachedServer();

  int port() const { return port_; }
  // "127.0.0.1:<port>", as a memcached client config lists it.
  std::string address() const;

  // SIGSTOP / SIGCONT to the server. FailedPrecondition if it is not running.
  absl::Status Pause();
  absl::Status Resume();
  // Kills the server (resuming it first if paused). Idempotent.
  void Stop();
  // Stops it if running and starts a fresh, empty memcached on the same port.
  absl::Status Restart();
  // Sends "flush_all" and waits for "OK": every item is gone. Unavailable on I/O errors.
  absl::Status FlushAll();

 private:
  MemcachedServer(TempDir dir, int port, std::vector<std::string> extra_args)
      : dir_(std::move(dir)), port_(port), extra_args_(std::move(extra_args)) {}
  absl::Status Launch();

  TempDir dir_;
  int port_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<ChildProcess> process_;
  bool paused_ = false;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_MEMCACHED_SERVER_H_
