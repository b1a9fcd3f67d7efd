// Small helpers shared by the HTTP client's tests (plain and TLS): the test server and a client
// for it, started with a test failure instead of a status, and the checks they repeat.
#ifndef CHARON_OBJSTORE_HTTP_TESTING_CLIENT_TEST_UTIL_H_
#define CHARON_OBJSTORE_HTTP_TESTING_CLIENT_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "objstore/http/http_client.h"
#include "objstore/http/testing/test_http_server.h"

namespace charon::objstore::http {

// Up to `attempts` attempts with millisecond backoffs, so retry tests stay fast.
inline RetryPolicy FastRetries(int attempts) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_backoff = absl::Milliseconds(1);
  p.max_backoff = absl::Milliseconds(5);
  return p;
}

// A GET of `url`.
inline HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

// The handler most tests need: 200 with "hello <target>".
TestResponse Hello(const RecordedRequest& r);

// The test server, plain or HTTPS; null (and a failure of the running test) if it cannot start.
std::unique_ptr<TestHttpServer> StartTestServer(TestHttpServer::Handler handler);
std::unique_ptr<TestHttpServer> StartTestServer(TestHttpServer::Handler handler,
                                                const TlsServerOptions& tls);

// A client; null (and a failure of the running test) if the config is refused.
std::unique_ptr<HttpClient> NewTestClient(const HttpConfig& config = {},
                                          RetryPolicy retry = FastRetries(1));

// A GET of `path` through `client` is answered 200 "hello <path>" (the Hello handler).
void ExpectHello(HttpClient& client, const TestHttpServer& server, const std::string& path);

// `calls` GETs one after the other (/o0, /o1, ...) on a server with the Hello handler are all
// answered, over one connection.
void ExpectSequentialCallsShareOneConnection(HttpClient& client, const TestHttpServer& server,
                                             int calls);

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_TESTING_CLIENT_TEST_UTIL_H_
