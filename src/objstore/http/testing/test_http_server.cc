#include "objstore/http/testing/test_http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "testing/http_message.h"

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
    if (ssl_ == nullptr) return testing::SendAll(fd_, data);
    while (!data.empty()) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
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
  absl::StatusOr<std::unique_ptr<testing::LoopbackListener>> listener =
      testing::LoopbackListener::Listen(64);
  if (!listener.ok()) return listener.status();
  std::unique_ptr<TestHttpServer> server(
      new TestHttpServer(std::move(handler), *std::move(listener)));
  server->ssl_ctx_ = ssl_ctx;
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

TestHttpServer::~TestHttpServer() {
  listener_->Stop();
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
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
}

std::string TestHttpServer::url() const {
  return absl::StrCat(ssl_ctx_ != nullptr ? "https" : "http", "://127.0.0.1:", port());
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

void TestHttpServer::AcceptLoop() {
  while (!listener_->stopping()) {
    // With TCP_NODELAY: a TLS 1.3 server's session tickets after its handshake go out at once.
    int fd = listener_->Accept();
    if (fd < 0) continue;
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
    if (!listener_->WaitReadable(fd, absl::InfiniteDuration())) return;
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
    if (!conn.HasBuffered() && !listener_->WaitReadable(fd, absl::InfiniteDuration())) {
      return false;
    }
    ssize_t n = conn.Read(chunk, sizeof(chunk));
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  while (!listener_->stopping()) {
    // Read one request: headers up to the blank line, then Content-Length bytes of body.
    testing::HttpHead head;
    if (!testing::ReadHttpHead(buf, read_more, &head)) return;
    RecordedRequest req;
    req.connection = connection;
    if (sni != nullptr) req.sni = sni;
    req.method = head.Method();
    req.target = head.Target();
    req.headers = std::move(head.headers);
    size_t content_length = 0;
    (void)absl::SimpleAtoi(req.Header("content-length"), &content_length);
    if (req.Header("expect") == "100-continue") {
      if (!conn.WriteAll("HTTP/1.1 100 Continue\r\n\r\n")) return;
    }
    if (!testing::ReadHttpBody(buf, content_length, read_more, &req.body)) return;
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
    if (resp.delay > absl::ZeroDuration() && !listener_->Sleep(resp.delay)) return;
    testing::HttpHeaders headers = resp.headers;
    headers.emplace_back("Content-Length", resp.content_length.empty()
                                               ? absl::StrCat(resp.body.size())
                                               : resp.content_length);
    if (resp.close_after_body) headers.emplace_back("Connection", "close");
    const std::string out = testing::HttpResponseBytes(resp.status, Reason(resp.status), headers,
                                                       req.method == "HEAD" ? "" : resp.body);
    const bool written = conn.WriteAll(out);
    if (!written || resp.close_after_body) {
      conn.Close(/*graceful=*/written);
      return;
    }
  }
}

}  // namespace charon::objstore::http
