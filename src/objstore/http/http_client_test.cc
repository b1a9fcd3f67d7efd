#include "objstore/http/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "objstore/http/crypto.h"
#include "objstore/http/testing/client_test_util.h"
#include "objstore/http/testing/test_http_server.h"
#include "testing/status_matchers.h"

namespace charon::objstore::http {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(HttpClient, ReusesOneConnectionForSequentialCalls) {
  auto server = StartTestServer(Hello);
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient();
  ExpectSequentialCallsShareOneConnection(*client, *server, 5);
}

TEST(HttpClient, RetriesServiceUnavailableThenSucceeds) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    return ++calls == 1 ? TestResponse{.status = 503, .body = "slow down"}
                        : TestResponse{.body = "ok"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(3));
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "ok");
  EXPECT_EQ(calls.load(), 2);
}

TEST(HttpClient, RetriesTooManyRequests) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    return ++calls < 3 ? TestResponse{.status = 429} : TestResponse{.body = "ok"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(3));
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(calls.load(), 3);
}

TEST(HttpClient, ReturnsTheLastAnswerWhenRetriesRunOut) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    ++calls;
    return TestResponse{.status = 500, .body = "broken"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(3));
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(resp.body, "broken");
  EXPECT_EQ(calls.load(), 3);
}

TEST(HttpClient, DoesNotRetryClientErrors) {
  for (int status : {400, 403, 404, 416}) {
    SCOPED_TRACE(status);
    std::atomic<int> calls{0};
    auto server = StartTestServer([&calls, status](const RecordedRequest&) {
      ++calls;
      return TestResponse{.status = status, .body = "no"};
    });
    ASSERT_NE(server, nullptr);
    auto client = NewTestClient({}, FastRetries(3));
    ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
    EXPECT_EQ(resp.status, status);
    EXPECT_EQ(calls.load(), 1);
  }
}

TEST(HttpClient, RetriesADroppedConnection) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    return ++calls == 1 ? TestResponse{.drop = true} : TestResponse{.body = "ok"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(2));
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
  EXPECT_EQ(resp.body, "ok");
  EXPECT_EQ(calls.load(), 2);
}

TEST(HttpClient, TransportErrorAfterLastAttemptIsUnavailableWithoutQuery) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.drop = true}; });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(2));
  auto result = client->Do(Get(server->url() + "/obj?X-Secret=s3cr3t"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, "GET " + server->url() + "/obj"));
  EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("s3cr3t")));
  EXPECT_EQ(server->requests().size(), 2u);
}

TEST(HttpClient, RequestTimeoutIsDeadlineExceeded) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.hang = true}; });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(3));
  HttpRequest r = Get(server->url() + "/slow?token=abc");
  r.timeout = absl::Milliseconds(300);
  auto result = client->Do(r);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kDeadlineExceeded, "/slow"));
  EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("token")));
}

TEST(HttpClient, ResponseHeaderTimeoutIsDeadlineExceeded) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.hang = true}; });
  ASSERT_NE(server, nullptr);
  HttpConfig config;
  config.response_header_timeout = absl::Milliseconds(200);
  auto client = NewTestClient(config);
  EXPECT_THAT(client->Do(Get(server->url() + "/slow")),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "no response headers"));
}

TEST(HttpClient, StreamsA2xxBodyToOnBody) {
  const std::string big(3 * 1024 * 1024 + 7, 'z');
  auto server =
      StartTestServer([&big](const RecordedRequest&) { return TestResponse{.body = big}; });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient();
  std::string got;
  int chunks = 0;
  HttpRequest r = Get(server->url() + "/big");
  r.on_body = [&](std::string_view chunk) {
    got.append(chunk);
    ++chunks;
    return absl::OkStatus();
  };
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(r));
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(resp.body.empty());
  EXPECT_TRUE(got == big);
  EXPECT_GT(chunks, 1);
}

TEST(HttpClient, OnBodyErrorStopsTheTransferAndIsReturned) {
  auto server = StartTestServer(
      [](const RecordedRequest&) { return TestResponse{.body = std::string(1 << 20, 'a')}; });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(3));
  HttpRequest r = Get(server->url() + "/big");
  r.on_body = [](std::string_view) { return absl::CancelledError("enough"); };
  EXPECT_THAT(client->Do(r), StatusIs(absl::StatusCode::kCancelled, "enough"));
  EXPECT_EQ(server->requests().size(), 1u);
}

TEST(HttpClient, ErrorBodiesAreCollectedNotStreamed) {
  auto server = StartTestServer([](const RecordedRequest&) {
    return TestResponse{.status = 404, .body = "<Error><Code>NoSuchKey</Code></Error>"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient();
  bool called = false;
  HttpRequest r = Get(server->url() + "/missing");
  r.on_body = [&called](std::string_view) {
    called = true;
    return absl::OkStatus();
  };
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(r));
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.body, "<Error><Code>NoSuchKey</Code></Error>");
  EXPECT_FALSE(called);
}

TEST(HttpClient, StreamIsNotRetriedOnceBytesWereDelivered) {
  auto server = StartTestServer([](const RecordedRequest&) {
    return TestResponse{.body = "0123456789", .content_length = "1000", .close_after_body = true};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient({}, FastRetries(3));
  std::string got;
  HttpRequest r = Get(server->url() + "/short");
  r.on_body = [&got](std::string_view chunk) {
    got.append(chunk);
    return absl::OkStatus();
  };
  EXPECT_THAT(client->Do(r), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(got, "0123456789");
  EXPECT_EQ(server->requests().size(), 1u);
}

TEST(HttpClient, ResponseHeaderNamesAreLowerCased) {
  auto server = StartTestServer([](const RecordedRequest&) {
    return TestResponse{.headers = {{"X-Custom-Header", "Some Value"},
                                    {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}}};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient();
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/h")));
  EXPECT_EQ(resp.Header("x-custom-header"), "Some Value");
  EXPECT_EQ(resp.Header("last-modified"), "Wed, 21 Oct 2015 07:28:00 GMT");
  EXPECT_EQ(resp.Header("content-length"), "0");
  EXPECT_EQ(resp.headers.count("X-Custom-Header"), 0u);
}

TEST(HttpClient, SendsMethodHeadersAndBody) {
  auto server = StartTestServer([](const RecordedRequest& r) {
    return TestResponse{.headers = {{"Content-Length-Seen", std::to_string(r.body.size())}},
                        .body = r.method == "HEAD" ? "" : "abc"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient();
  HttpRequest put = Get(server->url() + "/obj");
  put.method = "PUT";
  put.body = "payload";
  put.headers = {{"X-Meta", "v1"}, {"X-Empty", ""}};
  ASSERT_OK(client->Do(put));
  HttpRequest head = Get(server->url() + "/obj");
  head.method = "HEAD";
  ASSERT_OK_AND_ASSIGN(HttpResponse head_resp, client->Do(head));
  EXPECT_EQ(head_resp.status, 200);
  EXPECT_EQ(head_resp.body, "");
  HttpRequest del = Get(server->url() + "/obj");
  del.method = "DELETE";
  ASSERT_OK(client->Do(del));

  std::vector<RecordedRequest> reqs = server->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].body, "payload");
  EXPECT_EQ(reqs[0].Header("x-meta"), "v1");
  EXPECT_EQ(reqs[0].Header("content-type"), "");  // not labelled a form
  EXPECT_EQ(reqs[1].method, "HEAD");
  EXPECT_EQ(reqs[2].method, "DELETE");
  EXPECT_EQ(reqs[2].body, "");
}

// The Authorization header the client sends for a GET of `path_and_query` signed with the
// credentials, date and host of AWS' SigV4 test suite.
absl::StatusOr<std::string> SigV4TestSuiteAuthorization(const std::string& path_and_query) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{}; });
  auto client = NewTestClient();
  if (server == nullptr || client == nullptr) return absl::InternalError("no server or client");
  HttpRequest r = Get(server->url() + path_and_query);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.sigv4 = AwsSigV4{.region = "us-east-1",
                     .service = "service",
                     .access_key = "AKIDEXAMPLE",
                     .secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
  absl::StatusOr<HttpResponse> response = client->Do(r);
  if (!response.ok()) return response.status();
  std::vector<RecordedRequest> requests = server->requests();
  if (requests.size() != 1) return absl::InternalError("not one request");
  return requests[0].Header("authorization");
}

// AWS' SigV4 test suite, case "get-vanilla": the Authorization header libcurl computes must match
// the published one byte for byte.
TEST(HttpClient, SigV4MatchesTheAwsTestSuite) {
  ASSERT_OK_AND_ASSIGN(std::string authorization, SigV4TestSuiteAuthorization("/"));
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// Case "get-vanilla-query-order-key-case" of the same suite: libcurl signs the query as it is,
// so a query whose keys are already in order gives the published signature.
TEST(HttpClient, SigV4SignsAnOrderedQueryAsPublished) {
  ASSERT_OK_AND_ASSIGN(std::string authorization,
                       SigV4TestSuiteAuthorization("/?Param1=value1&Param2=value2"));
  EXPECT_THAT(
      authorization,
      HasSubstr("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

TEST(HttpClient, SigV4ForS3SignsContentSha256AndSessionToken) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{}; });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient();
  HttpRequest r = Get(server->url() + "/bucket/key");
  r.sigv4 = AwsSigV4{.region = "eu-west-1",
                     .service = "s3",
                     .access_key = "AK",
                     .secret_key = "SK",
                     .session_token = "TOKEN"};
  ASSERT_OK(client->Do(r));
  r.method = "PUT";
  r.body = "data";
  ASSERT_OK(client->Do(r));
  std::vector<RecordedRequest> reqs = server->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Header("x-amz-content-sha256"), Sha256Hex(""));
  EXPECT_EQ(reqs[0].Header("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(reqs[0].Header("x-amz-security-token"), "TOKEN");
  EXPECT_THAT(
      reqs[0].Header("authorization"),
      HasSubstr("/eu-west-1/s3/aws4_request, "
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"));
  EXPECT_EQ(reqs[1].Header("x-amz-content-sha256"), Sha256Hex("data"));
}

TEST(HttpClient, MaxConnsPerHostBoundsConnections) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.body = "x"}; });
  ASSERT_NE(server, nullptr);
  HttpConfig config;
  config.max_conns_per_host = 2;
  auto client = NewTestClient(config);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto resp = client->Do(Get(server->url() + "/c"));
        if (!resp.ok() || resp->body != "x") ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(server->accepted_connections(), 2);
  EXPECT_EQ(server->requests().size(), 120u);
}

TEST(HttpClient, LoopbackIsNeverProxied) {
  auto server =
      StartTestServer([](const RecordedRequest&) { return TestResponse{.body = "direct"}; });
  ASSERT_NE(server, nullptr);
  // A proxy nobody listens on: a proxied request would fail.
  ::setenv("http_proxy", "http://127.0.0.1:9", 1);
  auto client = NewTestClient();
  auto resp = client->Do(Get(server->url() + "/x"));
  ::unsetenv("http_proxy");
  ASSERT_OK(resp);
  EXPECT_EQ(resp->body, "direct");
}

TEST(HttpClient, CreateRejectsUnreadableTlsFiles) {
  HttpConfig config;
  config.tls_config.ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT(HttpClient::Create(config), StatusIs(absl::StatusCode::kInvalidArgument, "ca_file"));
  EXPECT_THAT(HttpClient::Create(HttpConfig{}, RetryPolicy{.max_attempts = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace charon::objstore::http
