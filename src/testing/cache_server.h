// CacheServer: a real cache server (memcached, redis-server) run as a child process on a free
// 127.0.0.1 port for tests; MemcachedServer and RedisServer say only how to start theirs.
//
// Pause (SIGSTOP) leaves the listening socket open, so clients still connect but get no answer:
// the "slow / hung server" case. Stop kills it: the "connection refused" case. Restart starts a
// fresh, empty server on the same port. Used from one thread at a time.
#ifndef CHARON_TESTING_CACHE_SERVER_H_
#define CHARON_TESTING_CACHE_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::testing {

class CacheServer {
 public:
  virtual ~CacheServer();
  CacheServer(const CacheServer&) = delete;
  CacheServer& operator=(const CacheServer&) = delete;

  int port() const { return port_; }
  // "127.0.0.1:<port>", as a memcached client config lists it and a redis config's `addr`.
  std::string address() const;

  // SIGSTOP / SIGCONT to the server. FailedPrecondition if it is not running.
  absl::Status Pause();
  absl::Status Resume();
  // Kills the server (resuming it first if paused). Idempotent.
  void Stop();
  // Stops it if running and starts a fresh, empty server on the same port.
  absl::Status Restart();
  // Deletes every item and waits until the server confirms. Unavailable on I/O errors.
  virtual absl::Status FlushAll() = 0;

 protected:
  // `name` names the temp dir and the log ("<name>.log" in it).
  CacheServer(std::string name, TempDir dir, int port, std::vector<std::string> extra_args);

  // Starts the server `make` returns for a temp dir and a free port, and waits until it accepts
  // connections; retried on a new port if the port was taken meanwhile. Unavailable if it cannot
  // be started.
  using Factory = std::function<std::unique_ptr<CacheServer>(TempDir dir, int port)>;
  static absl::StatusOr<std::unique_ptr<CacheServer>> StartServer(const std::string& name,
                                                                  const Factory& make);

  // The command line that serves on port() with its files in dir(), before the extra arguments.
  virtual std::vector<std::string> Argv() const = 0;

  const TempDir& dir() const { return dir_; }

 private:
  absl::Status Launch();

  const std::string name_;
  TempDir dir_;
  int port_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<ChildProcess> process_;
  bool paused_ = false;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_CACHE_SERVER_H_
