#include "objstore/http/testing/test_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace charon::objstore::http {
namespace {

// OpenSSL's queued errors for this thread, "; "-separated (and cleared); "" if there are none.
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out;
}

// One accepted connection: the socket, and in TLS mode the session over it. Reads and writes go
// through the session when there is one.
class Conn {
 public:
  Conn(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() {
    if (ssl_ != nullptr) SSL_free(ssl_);
  }

  // Whether decrypted bytes are buffered already (poll() on the socket would not see them).
  bool HasBuffered() const { return ssl_ != nullptr && SSL_pending(ssl_) > 0; }

  // Up to `size` bytes into `out`; <= 0 on end of stream or error.
  ssize_t Read(char* out, size_t size) {
    if (ssl_ == nullptr) {
      ssize_t n;
      do {
        n = ::recv(fd_, out, size, 0);
      } while (n < 0 && errno == EINTR);
      return n;
    }
    ERR_clear_error();
    return SSL_read(ssl_, out, static_cast<int>(size));
  }

  bool WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n;
      if (ssl_ == nullptr) {
        n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
      } else {
        ERR_clear_error();
        n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      }
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Ends the connection: in TLS mode with a close_notify alert when `graceful`, then a TCP shutdown
  // of both directions (the descriptor is closed by the server's destructor).
  void Close(bool graceful) {
    if (ssl_ != nullptr && graceful) {
      ERR_clear_error();
      (void)SSL_shutdown(ssl_);
    }
    ::shutdown(fd_, SHUT_RDWR);
  }

 private:
  int fd_;
  SSL* ssl_;  // owned; null = plain HTTP
};

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string RecordedRequest::Header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<TestHttpServer>> TestHttpServer::Start(Handler handler) {
  return Listen(std::move(handler), nullptr);
}

absl::StatusOr<std::unique_ptr<TestHttpServer>> TestHttpServer::Start(Handler handler,
                                                                      const TlsServerOptions& tls) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) {
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", OpenSslErrors()));
  }
  // The session id context lets clients resume sessions also when client certificates are
  // verified (OpenSSL refuses resumption without one then).
  static constexpr unsigned char kSessionContext[] = "charon-test-http-server";
  std::string error;
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1) != 1) {
    error = "TLS settings";
  } else if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
    error = absl::StrCat("certificate ", tls.cert_file);
  } else if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
             SSL_CTX_check_private_key(ctx) != 1) {
    error = absl::StrCat("private key ", tls.key_file);
  } else if (!tls.client_ca_file.empty()) {
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
    if (names == nullptr ||
        SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
      if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
      error = absl::StrCat("client CA file ", tls.client_ca_file);
    } else {
      SSL_CTX_set_client_CA_list(ctx, names);  // takes `names`
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
  }
  if (!error.empty()) {
    std::string detail = OpenSslErrors();
    SSL_CTX_free(ctx);
    return absl::InvalidArgumentError(
        absl::StrCat("test server TLS: ", error, detail.empty() ? "" : ": ", detail));
  }
  auto server = Listen(std::move(handler), ctx);
  if (!server.ok()) SSL_CTX_free(ctx);
  return server;
}

absl::StatusOr<std::unique_ptr<TestHttpServer>> TestHttpServer::Listen(Handler handler,
                                                                       ssl_ctx_st* ssl_ctx) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("listen on 127.0.0.1: ", std::strerror(err)));
  }
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::unique_ptr<TestHttpServer> server(
      new TestHttpServer(std::move(handler), fd, ntohs(addr.sin_port), pipefd[0], pipefd[1]));
  server->ssl_ctx_ = ssl_ctx;
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

TestHttpServer::~TestHttpServer() {
  stopping_ = true;
  char b = 'x';
  (void)!::write(wake_write_, &b, 1);
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  {
    absl::MutexLock lock(&mu_);
    for (int fd : fds_) ::close(fd);
  }
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
}

std::string TestHttpServer::url() const {
  return absl::StrCat(ssl_ctx_ != nullptr ? "https" : "http", "://127.0.0.1:", port_);
}

int TestHttpServer::accepted_connections() const {
  absl::MutexLock lock(&mu_);
  return connections_;
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

int TestHttpServer::failed_handshakes() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(handshake_errors_.size());
}

std::vector<std::string> TestHttpServer::handshake_errors() const {
  absl::MutexLock lock(&mu_);
  return handshake_errors_;
}

bool TestHttpServer::WaitForFailedHandshakes(int n, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(handshake_errors_.size()) >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

bool TestHttpServer::WaitReadable(int fd, absl::Duration timeout) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_, POLLIN, 0}};
  int ms = timeout == absl::InfiniteDuration()
               ? -1
               : static_cast<int>(absl::ToInt64Milliseconds(timeout));
  int n;
  do {
    n = ::poll(fds, 2, ms);
  } while (n < 0 && errno == EINTR);
  if (n <= 0 || stopping_ || (fds[1].revents & POLLIN)) return false;
  return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_) {
    if (!WaitReadable(listen_fd_, absl::InfiniteDuration())) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // Small writes (a TLS 1.3 server's session tickets after its handshake) go out at once instead
    // of waiting for the client's delayed ACK.
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    absl::MutexLock lock(&mu_);
    int connection = ++connections_;
    fds_.push_back(fd);
    threads_.emplace_back([this, fd, connection] { Serve(fd, connection); });
  }
}

void TestHttpServer::Serve(int fd, int connection) {
  // OpenSSL writes with write(), not send(MSG_NOSIGNAL): with SIGPIPE blocked in this thread, a
  // write to a closed connection fails with EPIPE instead of killing the test (the pending signal
  // is discarded when the thread ends).
  sigset_t sigpipe;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe, nullptr);

  SSL* ssl = nullptr;
  if (ssl_ctx_ != nullptr) {
    ssl = SSL_new(ssl_ctx_);
    if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
      if (ssl != nullptr) SSL_free(ssl);
      absl::MutexLock lock(&mu_);
      handshake_errors_.push_back(absl::StrCat("SSL_new: ", OpenSslErrors()));
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
  }
  Conn conn(fd, ssl);
  if (ssl != nullptr) {
    // The socket is blocking: the handshake waits for the client, and the destructor's shutdown()
    // of the socket ends that wait.
    if (!WaitReadable(fd, absl::InfiniteDuration())) return;
    ERR_clear_error();
    const int rc = SSL_accept(ssl);
    if (rc != 1) {
      const int err = SSL_get_error(ssl, rc);
      std::string reason = OpenSslErrors();
      if (reason.empty()) {
        reason = err == SSL_ERROR_SYSCALL ? "connection closed during the handshake"
                                          : absl::StrCat("SSL_accept error ", err);
      }
      {
        absl::MutexLock lock(&mu_);
        handshake_errors_.push_back(std::move(reason));
      }
      conn.Close(/*graceful=*/false);
      return;
    }
  }
  const char* sni = ssl == nullptr ? nullptr : SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

  std::string buf;
  char chunk[65536];
  // Appends what arrives next to `buf`; false on end of stream, error or shutdown.
  auto read_more = [&]() {
    if (!conn.HasBuffered() && !WaitReadable(fd, absl::InfiniteDuration())) return false;
    ssize_t n = conn.Read(chunk, sizeof(chunk));
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  while (!stopping_) {
    // Read one request: headers up to the blank line, then Content-Length bytes of body.
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more()) return;
    }
    RecordedRequest req;
    req.connection = connection;
    if (sni != nullptr) req.sni = sni;
    std::string_view head(buf.data(), end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    req.method = std::string(request_line.substr(0, sp1));
    req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    size_t content_length = 0;
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string_view::npos) next = head.size();
      std::string_view line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = absl::AsciiStrToLower(std::string(line.substr(0, colon)));
        std::string value(absl::StripAsciiWhitespace(std::string(line.substr(colon + 1))));
        if (name == "content-length") (void)absl::SimpleAtoi(value, &content_length);
        req.headers.emplace_back(std::move(name), std::move(value));
      }
      pos = next + 2;
    }
    buf.erase(0, end + 4);
    if (req.Header("expect") == "100-continue") {
      if (!conn.WriteAll("HTTP/1.1 100 Continue\r\n\r\n")) return;
    }
    while (buf.size() < content_length) {
      if (!read_more()) return;
    }
    req.body = buf.substr(0, content_length);
    buf.erase(0, content_length);
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(req);
    }

    TestResponse resp = handler_(req);
    if (resp.drop) {
      conn.Close(/*graceful=*/false);
      return;
    }
    if (resp.hang) {
      // Wait for shutdown (or the client closing the connection), discarding what arrives.
      while (read_more()) buf.clear();
      return;
    }
    if (resp.delay > absl::ZeroDuration()) {
      pollfd wake = {wake_read_, POLLIN, 0};
      if (::poll(&wake, 1, static_cast<int>(absl::ToInt64Milliseconds(resp.delay))) != 0) return;
    }
    std::string out = absl::StrCat("HTTP/1.1 ", resp.status, " ", Reason(resp.status), "\r\n");
    for (const auto& [name, value] : resp.headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
    absl::StrAppend(
        &out, "Content-Length: ",
        resp.content_length.empty() ? absl::StrCat(resp.body.size()) : resp.content_length, "\r\n");
    if (resp.close_after_body) absl::StrAppend(&out, "Connection: close\r\n");
    absl::StrAppend(&out, "\r\n");
    if (req.method != "HEAD") out += resp.body;
    const bool written = conn.WriteAll(out);
    if (!written || resp.close_after_body) {
      conn.Close(/*graceful=*/written);
      return;
    }
  }
}

}  // namespace charon::objstore::http
