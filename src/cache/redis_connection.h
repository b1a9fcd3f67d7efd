// RedisConnection: one connection to a redis node, over plain TCP or TLS, speaking RESP with
// hiredis' encoder (redisFormatCommandArgv) and reply parser (redisReader). The socket and the
// TLS records are handled here rather than by hiredis, whose packaged builds may lack TLS; the
// TLS session runs over memory BIOs, so every byte goes through the same non-blocking socket
// code (sends use MSG_NOSIGNAL: a server that went away is an error, never a SIGPIPE).
//
// Every wait is bounded: connecting (name lookup aside) and the TLS handshake together by
// dial_timeout, sending what is queued by write_timeout, and reading each reply by read_timeout.
// Errors are DeadlineExceeded when a wait ran out, Unavailable otherwise; the message names the
// address and the reason. After any error the connection must be discarded.
//
// Thread-compatible: one thread at a time.
#ifndef CHARON_CACHE_REDIS_CONNECTION_H_
#define CHARON_CACHE_REDIS_CONNECTION_H_

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cache/tls_client_context.h"

namespace charon::cache {

struct RedisReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

struct RedisConnectionOptions {
  absl::Duration dial_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(3);
  absl::Duration write_timeout = absl::Seconds(3);
  // TLS when set (must outlive the connection); plain TCP when null.
  const TlsClientContext* tls = nullptr;
};

class RedisConnection {
 public:
  // Dials `host`:`port` (`addr` is how errors name it) and, with options.tls, runs the handshake
  // (certificate and name checks included).
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Connect(
      const std::string& addr, const std::string& host, int port,
      const RedisConnectionOptions& options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues a command; it is sent by the next ReadReply, so several commands can share one round
  // trip (pipelining).
  void Append(const std::vector<std::string_view>& argv);
  // Sends what is queued, then reads the next reply (a redis error reply is a reply, not an
  // error status).
  absl::StatusOr<RedisReply> ReadReply();
  // Append + ReadReply.
  absl::StatusOr<RedisReply> Command(const std::vector<std::string_view>& argv);

 private:
  class Transport;
  struct ReaderDeleter {
    void operator()(redisReader* r) const { redisReaderFree(r); }
  };
  RedisConnection(std::string addr, RedisConnectionOptions options,
                  std::unique_ptr<Transport> transport,
                  std::unique_ptr<redisReader, ReaderDeleter> reader);

  const std::string addr_;
  const RedisConnectionOptions options_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<redisReader, ReaderDeleter> reader_;
  std::string out_;  // commands queued by Append
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_REDIS_CONNECTION_H_
