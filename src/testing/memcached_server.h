// MemcachedServer: a real memcached (the `memcached` binary in PATH) on a free 127.0.0.1 port,
// run as a child process for tests: `memcached -l 127.0.0.1 -p <port> -U 0`. Pause, Stop and
// Restart as every CacheServer.
#ifndef CHARON_TESTING_MEMCACHED_SERVER_H_
#define CHARON_TESTING_MEMCACHED_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "testing/cache_server.h"
#include "testing/temp_dir.h"

namespace charon::testing {

class MemcachedServer final : public CacheServer {
 public:
  // Starts memcached and waits until it accepts connections. `extra_args` are appended (e.g.
  // {"-m", "64"}). Unavailable if it cannot be started.
  static absl::StatusOr<std::unique_ptr<MemcachedServer>> Start(
      std::vector<std::string> extra_args = {});

  // Sends "flush_all" and waits for "OK".
  absl::Status FlushAll() override;
  // Stores `value` under `key` (no expiry), as any client would: for tests that plant entries.
  absl::Status Set(absl::string_view key, absl::string_view value);
  // Every key it holds ("lru_crawler metadump all"), decoded. Unavailable on I/O errors.
  absl::StatusOr<std::vector<std::string>> Keys() const;

 private:
  MemcachedServer(TempDir dir, int port, std::vector<std::string> extra_args)
      : CacheServer("memcached", std::move(dir), port, std::move(extra_args)) {}
  std::vector<std::string> Argv() const override;
  // Sends `request` on a new connection; the reply, read up to a line ending (and ending with
  // `reply_end` when not empty).
  absl::StatusOr<std::string> Command(absl::string_view request, absl::string_view reply_end) const;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_MEMCACHED_SERVER_H_
