// RedisServer: a real redis-server (Debian's, in PATH) on a free 127.0.0.1 port, run as a child
// process for tests, with persistence off: `redis-server --bind 127.0.0.1 --port <port>
// --save "" --appendonly no`. Pause, Stop and Restart as every CacheServer.
#ifndef CHARON_TESTING_REDIS_SERVER_H_
#define CHARON_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/cache_server.h"
#include "testing/temp_dir.h"

namespace charon::testing {

class RedisServer final : public CacheServer {
 public:
  // Starts redis-server and waits until it accepts connections. `extra_args` are appended (e.g.
  // {"--requirepass", "s3cret"}). Unavailable if it cannot be started.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(
      std::vector<std::string> extra_args = {});

  // Runs `redis-cli -p <port> <args...>` and returns its standard output (trailing newline
  // removed), e.g. Cli({"DBSIZE"}) or Cli({"-n", "3", "GET", key}). Unavailable on failure.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;

  // FLUSHALL through redis-cli.
  absl::Status FlushAll() override;

 private:
  RedisServer(TempDir dir, int port, std::vector<std::string> extra_args)
      : CacheServer("redis", std::move(dir), port, std::move(extra_args)) {}
  std::vector<std::string> Argv() const override;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_REDIS_SERVER_H_
