// RedisServer: a real redis-server (Debian's, in PATH) on a free 127.0.0.1 port, run as a child
// process for tests, with persistence off: `redis-server --bind 127.0.0.1 --port <port>
// --save "" --appendonly no`, or serving only TLS on that port (`--port 0 --tls-port <port>`,
// StartTls). Pause, Stop and Restart as every CacheServer.
#ifndef CHARON_TESTING_REDIS_SERVER_H_
#define CHARON_TESTING_REDIS_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/cache_server.h"
#include "testing/temp_dir.h"

namespace charon::testing {

// PEM files of a TLS-only server.
struct RedisTlsFiles {
  std::string cert_file{};    // --tls-cert-file
  std::string key_file{};     // --tls-key-file
  std::string ca_file{};      // --tls-ca-cert-file: what client certificates must chain to
  bool auth_clients = false;  // --tls-auth-clients yes (mutual TLS) or no
  // What Cli presents (needed with auth_clients).
  std::string client_cert_file{};
  std::string client_key_file{};
};

class RedisServer final : public CacheServer {
 public:
  // Starts redis-server and waits until it accepts connections. `extra_args` are appended (e.g.
  // {"--requirepass", "s3cret"}). Unavailable if it cannot be started.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(
      std::vector<std::string> extra_args = {});
  // The same, serving TLS only, with `tls`'s files.
  static absl::StatusOr<std::unique_ptr<RedisServer>> StartTls(
      RedisTlsFiles tls, std::vector<std::string> extra_args = {});

  // Runs `redis-cli -p <port> <args...>` (with --tls and the files for a TLS server) and returns
  // its standard output (trailing newline removed), e.g. Cli({"DBSIZE"}) or Cli({"-n", "3", "GET",
  // key}). Unavailable on failure.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;

  // FLUSHALL through redis-cli.
  absl::Status FlushAll() override;

 private:
  RedisServer(TempDir dir, int port, std::vector<std::string> extra_args,
              std::optional<RedisTlsFiles> tls)
      : CacheServer("redis", std::move(dir), port, std::move(extra_args)), tls_(std::move(tls)) {}
  static absl::StatusOr<std::unique_ptr<RedisServer>> StartWith(std::vector<std::string> extra_args,
                                                                std::optional<RedisTlsFiles> tls);
  std::vector<std::string> Argv() const override;

  const std::optional<RedisTlsFiles> tls_;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_REDIS_SERVER_H_
