#include "cache/redis_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/unique_fd.h"

namespace charon::cache {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
// Plaintext handed to SSL_write at a time, so a large value is not held twice as TLS records.
constexpr size_t kTlsWriteChunk = 64 * 1024;

absl::Status IoError(std::string_view op, const std::string& addr, int err) {
  return absl::UnavailableError(absl::StrCat(base::Absl(op), " ", addr, ": ", std::strerror(err)));
}

// Waits until `fd` is ready for `events` (or has an error, which the next call reports).
absl::Status WaitFor(int fd, short events, absl::Time deadline, std::string_view op,
                     const std::string& addr) {
  for (;;) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat(base::Absl(op), " ", addr, ": i/o timeout"));
    }
    int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, INT_MAX)));
    if (r > 0) return absl::OkStatus();
    if (r < 0 && errno != EINTR) return IoError(op, addr, errno);
  }
}

// A connected non-blocking TCP socket to host:port, trying each address the name resolves to.
absl::StatusOr<int> Dial(const std::string& addr, const std::string& host, int port,
                         absl::Time deadline) {
  constexpr std::string_view kOp = "dial tcp";
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("dial tcp ", addr, ": lookup ", host, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, &freeaddrinfo);
  absl::Status last = absl::UnavailableError(absl::StrCat("dial tcp ", addr, ": no address"));
  for (const addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    base::UniqueFd fd(
        socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) {
      last = IoError(kOp, addr, errno);
      continue;
    }
    if (connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last = IoError(kOp, addr, errno);
        continue;
      }
      last = WaitFor(fd.get(), POLLOUT, deadline, kOp, addr);
      if (absl::IsDeadlineExceeded(last)) return last;
      if (!last.ok()) continue;
      int err = 0;
      socklen_t len = sizeof(err);
      if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        last = IoError(kOp, addr, err);
        continue;
      }
    }
    int one = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd.Release();
  }
  return last;
}

}  // namespace

// The byte stream under the RESP layer: a socket, with a TLS session over memory BIOs or not.
class RedisConnection::Transport {
 public:
  Transport(std::string addr, int fd) : addr_(std::move(addr)), fd_(fd) {}

  absl::Status StartTls(SslPtr ssl, absl::Time deadline) {
    BIO* rbio = BIO_new(BIO_s_mem());
    BIO* wbio = BIO_new(BIO_s_mem());
    if (rbio == nullptr || wbio == nullptr) {
      BIO_free(rbio);
      BIO_free(wbio);
      return absl::InternalError(OpenSslErrors("BIO_new failed"));
    }
    ssl_ = std::move(ssl);
    SSL_set_bio(ssl_.get(), rbio, wbio);  // owned by ssl_ from here
    rbio_ = rbio;
    wbio_ = wbio;
    SSL_set_connect_state(ssl_.get());
    constexpr std::string_view kOp = "tls handshake with";
    CHARON_ASSIGN_OR_RETURN(int r,
                            RunSsl([this] { return SSL_do_handshake(ssl_.get()); }, deadline, kOp));
    if (r <= 0) return Closed(kOp);
    return absl::OkStatus();
  }

  absl::Status Write(std::string_view data, absl::Time deadline) {
    if (ssl_ == nullptr) return SendAll(data, deadline);
    constexpr std::string_view kOp = "write to";
    while (!data.empty()) {
      int n = static_cast<int>(std::min(data.size(), kTlsWriteChunk));
      CHARON_ASSIGN_OR_RETURN(
          int r, RunSsl([&] { return SSL_write(ssl_.get(), data.data(), n); }, deadline, kOp));
      if (r <= 0) return Closed(kOp);
      data.remove_prefix(static_cast<size_t>(r));
    }
    return absl::OkStatus();
  }

  // Some bytes into `buf`; 0 when the server closed the connection.
  absl::StatusOr<size_t> Read(char* buf, size_t cap, absl::Time deadline) {
    if (ssl_ == nullptr) return RecvSome(buf, cap, deadline);
    CHARON_ASSIGN_OR_RETURN(int r, RunSsl(
                                       [&] {
                                         return SSL_read(
                                             ssl_.get(), buf,
                                             static_cast<int>(std::min<size_t>(cap, INT_MAX)));
                                       },
                                       deadline, "read from"));
    return static_cast<size_t>(std::max(r, 0));
  }

  absl::Status Closed(std::string_view op) const {
    return absl::UnavailableError(
        absl::StrCat(base::Absl(op), " ", addr_, ": connection closed by the server"));
  }

 private:
  // Runs `op` (an SSL call) until it succeeds, moving TLS records between the memory BIOs and
  // the socket. 0 when the server closed the connection (cleanly or not).
  absl::StatusOr<int> RunSsl(absl::FunctionRef<int()> op, absl::Time deadline,
                             std::string_view what) {
    char buf[kReadChunk];
    for (;;) {
      ERR_clear_error();
      int r = op();
      int err = r > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), r);
      // What the call produced (handshake messages, records, alerts) goes out first.
      CHARON_RETURN_IF_ERROR(Flush(deadline, what));
      if (r > 0) return r;
      if (err == SSL_ERROR_ZERO_RETURN) return 0;
      if (err != SSL_ERROR_WANT_READ) return TlsError(what);
      CHARON_ASSIGN_OR_RETURN(size_t n, RecvSome(buf, sizeof(buf), deadline));
      if (n == 0) return 0;
      BIO_write(rbio_, buf, static_cast<int>(n));
    }
  }

  absl::Status Flush(absl::Time deadline, std::string_view what) {
    char buf[kReadChunk];
    while (BIO_ctrl_pending(wbio_) > 0) {
      int n = BIO_read(wbio_, buf, sizeof(buf));
      if (n <= 0)
        return absl::InternalError(absl::StrCat(base::Absl(what), " ", addr_, ": TLS output lost"));
      CHARON_RETURN_IF_ERROR(SendAll(std::string_view(buf, static_cast<size_t>(n)), deadline));
    }
    return absl::OkStatus();
  }

  absl::Status TlsError(std::string_view what) const {
    std::string reason = OpenSslErrors("TLS error");
    long verify = SSL_get_verify_result(ssl_.get());
    if (!SSL_is_init_finished(ssl_.get()) && verify != X509_V_OK) {
      reason = absl::StrCat("certificate verify failed: ", X509_verify_cert_error_string(verify));
    }
    return absl::UnavailableError(absl::StrCat(base::Absl(what), " ", addr_, ": ", reason));
  }

  absl::Status SendAll(std::string_view data, absl::Time deadline) {
    while (!data.empty()) {
      ssize_t n = send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        CHARON_RETURN_IF_ERROR(WaitFor(fd_.get(), POLLOUT, deadline, "write to", addr_));
      } else {
        return IoError("write to", addr_, n < 0 ? errno : EPIPE);
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> RecvSome(char* buf, size_t cap, absl::Time deadline) {
    for (;;) {
      ssize_t n = recv(fd_.get(), buf, cap, 0);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return IoError("read from", addr_, errno);
      CHARON_RETURN_IF_ERROR(WaitFor(fd_.get(), POLLIN, deadline, "read from", addr_));
    }
  }

  const std::string addr_;
  base::UniqueFd fd_;
  SslPtr ssl_;
  BIO* rbio_ = nullptr;  // owned by ssl_
  BIO* wbio_ = nullptr;  // owned by ssl_
};

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(
    const std::string& addr, const std::string& host, int port,
    const RedisConnectionOptions& options) {
  absl::Time deadline = absl::Now() + options.dial_timeout;
  CHARON_ASSIGN_OR_RETURN(int fd, Dial(addr, host, port, deadline));
  auto transport = std::make_unique<Transport>(addr, fd);
  if (options.tls != nullptr) {
    CHARON_ASSIGN_OR_RETURN(SslPtr ssl, options.tls->NewSession(host));
    CHARON_RETURN_IF_ERROR(transport->StartTls(std::move(ssl), deadline));
  }
  std::unique_ptr<redisReader, ReaderDeleter> reader(redisReaderCreate());
  if (reader == nullptr) return absl::ResourceExhaustedError("redis reply reader: out of memory");
  return std::unique_ptr<RedisConnection>(
      new RedisConnection(addr, options, std::move(transport), std::move(reader)));
}

RedisConnection::RedisConnection(std::string addr, RedisConnectionOptions options,
                                 std::unique_ptr<Transport> transport,
                                 std::unique_ptr<redisReader, ReaderDeleter> reader)
    : addr_(std::move(addr)),
      options_(options),
      transport_(std::move(transport)),
      reader_(std::move(reader)) {}

RedisConnection::~RedisConnection() = default;

void RedisConnection::Append(const std::vector<std::string_view>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (std::string_view a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  int len = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), args.data(), lens.data());
  if (len > 0) out_.append(cmd, static_cast<size_t>(len));
  redisFreeCommand(cmd);
}

absl::StatusOr<RedisReply> RedisConnection::ReadReply() {
  if (!out_.empty()) {
    std::string out = std::move(out_);
    out_.clear();
    CHARON_RETURN_IF_ERROR(transport_->Write(out, absl::Now() + options_.write_timeout));
  }
  absl::Time deadline = absl::Now() + options_.read_timeout;
  char buf[kReadChunk];
  for (;;) {
    void* reply = nullptr;
    if (redisReaderGetReply(reader_.get(), &reply) != REDIS_OK) {
      return absl::UnavailableError(
          absl::StrCat("read from ", addr_, ": protocol error: ", reader_->errstr));
    }
    if (reply != nullptr) return RedisReply(static_cast<redisReply*>(reply));
    CHARON_ASSIGN_OR_RETURN(size_t n, transport_->Read(buf, sizeof(buf), deadline));
    if (n == 0) return transport_->Closed("read from");
    if (redisReaderFeed(reader_.get(), buf, n) != REDIS_OK) {
      return absl::ResourceExhaustedError(absl::StrCat("read from ", addr_, ": out of memory"));
    }
  }
}

absl::StatusOr<RedisReply> RedisConnection::Command(const std::vector<std::string_view>& argv) {
  Append(argv);
  return ReadReply();
}

}  // namespace charon::cache
