#include "objstore/http/testing/client_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "testing/status_matchers.h"

namespace charon::objstore::http {

TestResponse Hello(const RecordedRequest& r) { return TestResponse{.body = "hello " + r.target}; }

std::unique_ptr<TestHttpServer> StartTestServer(TestHttpServer::Handler handler) {
  auto server = TestHttpServer::Start(std::move(handler));
  EXPECT_THAT(server, charon::testing::IsOk());
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<TestHttpServer> StartTestServer(TestHttpServer::Handler handler,
                                                const TlsServerOptions& tls) {
  auto server = TestHttpServer::Start(std::move(handler), tls);
  EXPECT_THAT(server, charon::testing::IsOk());
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<HttpClient> NewTestClient(const HttpConfig& config, RetryPolicy retry) {
  auto client = HttpClient::Create(config, retry);
  EXPECT_THAT(client, charon::testing::IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

void ExpectHello(HttpClient& client, const TestHttpServer& server, const std::string& path) {
  absl::StatusOr<HttpResponse> resp = client.Do(Get(server.url() + path));
  ASSERT_THAT(resp, charon::testing::IsOk()) << "GET " << path;
  EXPECT_EQ(resp->status, 200) << "GET " << path;
  EXPECT_EQ(resp->body, "hello " + path);
}

void ExpectSequentialCallsShareOneConnection(HttpClient& client, const TestHttpServer& server,
                                             int calls) {
  for (int i = 0; i < calls; ++i) ExpectHello(client, server, "/o" + std::to_string(i));
  EXPECT_EQ(server.accepted_connections(), 1);
  EXPECT_EQ(server.requests().size(), static_cast<size_t>(calls));
}

}  // namespace charon::objstore::http
