// TestHttpServer: a small HTTP/1.1 server on 127.0.0.1 for tests of the HTTP client and the remote
// buckets. Each request is answered by a handler the test supplies; every request (method, target,
// lower-cased headers, body) and every accepted connection is recorded, so tests can assert what
// was sent and how many connections it took. Keep-alive is supported; a response may also hang
// (never answer) or close the connection.
//
// TLS mode (Start with TlsServerOptions) serves HTTPS with OpenSSL: every behaviour above works the
// same over TLS, a client certificate can be required, and failed handshakes are recorded.
//
// Thread-safe: the handler runs on the connection's thread (one thread per connection), so it may
// be called concurrently; the accessors may be called from any thread.
#ifndef CHARON_OBJSTORE_HTTP_TESTING_TEST_HTTP_SERVER_H_
#define CHARON_OBJSTORE_HTTP_TESTING_TEST_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "testing/http_message.h"
#include "testing/loopback_listener.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace charon::objstore::http {

struct RecordedRequest {
  std::string method{};
  std::string target{};            // path and query, as sent
  testing::HttpHeaders headers{};  // names lower-cased, in order
  std::string body{};
  int connection = 0;  // 1 for the first accepted connection, 2 for the next...
  std::string sni{};   // TLS mode: the server name the client sent in the handshake, "" if none

  // The value of the first header named `lower_name`, "" if absent.
  std::string Header(std::string_view lower_name) const {
    return testing::FindHeader(headers, lower_name);
  }
};

struct TestResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers{};  // Content-Length is added
  std::string body{};
  // Content-Length to announce when the body is cut short by `close_after_body` ("" = body size).
  std::string content_length{};
  absl::Duration delay = absl::ZeroDuration();  // before the status line is written
  bool hang = false;              // never answer; the connection stays open until shutdown
  bool drop = false;              // close the connection without answering
  bool close_after_body = false;  // close the connection after writing the response
};

// PEM files for a TLS server (e.g. from GenerateTestCerts in test_certs.h).
struct TlsServerOptions {
  std::string cert_file{};  // the server's certificate, optionally followed by its chain
  std::string key_file{};   // its private key
  // When set, the handshake requires a client certificate issued by one of the CAs in this file;
  // "" = no client certificate is asked for.
  std::string client_ca_file{};
};

class TestHttpServer {
 public:
  using Handler = std::function<TestResponse(const RecordedRequest&)>;

  // Listens on 127.0.0.1 on a port the kernel picks. Unavailable if it cannot listen.
  static absl::StatusOr<std::unique_ptr<TestHttpServer>> Start(Handler handler);
  // The same, serving HTTPS (TLS 1.2 or 1.3). InvalidArgument if the PEM files cannot be loaded.
  static absl::StatusOr<std::unique_ptr<TestHttpServer>> Start(Handler handler,
                                                               const TlsServerOptions& tls);

  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;
  // Closes every connection (hanging ones included) and joins the threads.
  ~TestHttpServer();

  int port() const { return listener_->port(); }
  std::string url() const;  // "http://127.0.0.1:<port>", or "https://..." in TLS mode
  // Connections accepted, including those whose TLS handshake failed.
  int accepted_connections() const;
  std::vector<RecordedRequest> requests() const;
  // TLS mode: handshakes that failed, and OpenSSL's reason for each, in order (e.g. "...:tlsv1
  // alert unknown ca" when the client rejected the server's certificate).
  int failed_handshakes() const;
  std::vector<std::string> handshake_errors() const;
  // Waits until at least `n` handshakes have failed; false if that did not happen within
  // `timeout`. (The client may report its error before the server has read its alert.)
  bool WaitForFailedHandshakes(int n, absl::Duration timeout) const;

 private:
  TestHttpServer(Handler handler, std::unique_ptr<testing::LoopbackListener> listener)
      : handler_(std::move(handler)), listener_(std::move(listener)) {}
  static absl::StatusOr<std::unique_ptr<TestHttpServer>> Listen(Handler handler,
                                                                ssl_ctx_st* ssl_ctx);
  void AcceptLoop();
  void Serve(int fd, int connection);

  Handler handler_;
  const std::unique_ptr<testing::LoopbackListener> listener_;
  ssl_ctx_st* ssl_ctx_ = nullptr;  // owned; null = plain HTTP
  std::thread accept_thread_;
  mutable absl::Mutex mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  std::vector<int> fds_ ABSL_GUARDED_BY(mu_);
  int connections_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> handshake_errors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_TESTING_TEST_HTTP_SERVER_H_
