// FaultProxy in front of a real s3rver: forwarding (plain, ranged, HEAD), keep-alive, the delay,
// and each fault.
#include "testing/fault_proxy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "objstore/http/http_client.h"
#include "testing/proxied_s3_test.h"
#include "testing/status_matchers.h"

namespace charon::testing {
namespace {

using objstore::http::HttpClient;
using objstore::http::HttpRequest;
using objstore::http::HttpResponse;
using ::testing::HasSubstr;

constexpr char kBucket[] = "proxied";

class FaultProxyTest : public ProxiedS3Test {
 protected:
  static void SetUpTestSuite() {
    StartS3(kBucket, {{"a/object", Payload()}, {"a/other", "small"}});
  }
  void SetUp() override {
    ProxiedS3Test::SetUp();
    if (HasFatalFailure()) return;
    objstore::http::RetryPolicy once;
    once.max_attempts = 1;
    ASSERT_OK_AND_ASSIGN(client_, HttpClient::Create({}, once));
  }

  static std::string Payload() {
    std::string s;
    for (int i = 0; i < 20000; ++i) absl::StrAppend(&s, i % 10);
    return s;
  }
  HttpRequest Request(std::string method, std::string key) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = absl::StrCat("http://", proxy_->endpoint(), "/", kBucket, "/", key);
    r.timeout = absl::Seconds(30);
    return r;
  }

  std::unique_ptr<HttpClient> client_;
};

TEST_F(FaultProxyTest, ForwardsGetsRangesAndHeadsOnOneConnection) {
  ASSERT_OK_AND_ASSIGN(HttpResponse whole, client_->Do(Request("GET", "a/object")));
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, Payload());
  HttpRequest ranged = Request("GET", "a/object");
  ranged.headers.emplace_back("Range", "bytes=10-14");
  ASSERT_OK_AND_ASSIGN(HttpResponse part, client_->Do(ranged));
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "01234");
  ASSERT_OK_AND_ASSIGN(HttpResponse head, client_->Do(Request("HEAD", "a/other")));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "5");
  ASSERT_OK_AND_ASSIGN(HttpResponse missing, client_->Do(Request("GET", "a/none")));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(proxy_->requests(), 4);
  EXPECT_EQ(proxy_->connections(), 1);
  EXPECT_EQ(proxy_->faults_injected(), 0);
}

TEST_F(FaultProxyTest, DelaysEveryRequest) {
  proxy_->SetDelay(absl::Milliseconds(60));
  const absl::Time t0 = absl::Now();
  ASSERT_OK_AND_ASSIGN(HttpResponse a, client_->Do(Request("GET", "a/other")));
  ASSERT_OK_AND_ASSIGN(HttpResponse b, client_->Do(Request("GET", "a/other")));
  EXPECT_EQ(b.body, "small");
  // A lower bound only: the delay is a minimum, a loaded machine only adds to it.
  EXPECT_GE(absl::Now() - t0, absl::Milliseconds(120));
}

TEST_F(FaultProxyTest, SlowDownForTheNextMatchingRequests) {
  proxy_->InjectFault(Fault::kSlowDown, 2, "/a/object");
  ASSERT_OK_AND_ASSIGN(HttpResponse other, client_->Do(Request("GET", "a/other")));
  EXPECT_EQ(other.status, 200);
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(HttpResponse r, client_->Do(Request("GET", "a/object")));
    EXPECT_EQ(r.status, 503);
    EXPECT_THAT(r.body, HasSubstr("<Code>SlowDown</Code>"));
  }
  ASSERT_OK_AND_ASSIGN(HttpResponse after, client_->Do(Request("GET", "a/object")));
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(proxy_->requests(), 4);
  EXPECT_EQ(proxy_->faults_injected(), 2);
  EXPECT_EQ(proxy_->connections(), 1);  // a 503 keeps the connection
}

TEST_F(FaultProxyTest, HangsOneRequestUntilTheClientGivesUp) {
  proxy_->InjectFault(Fault::kHang, 1);
  HttpRequest hung = Request("GET", "a/other");
  hung.timeout = absl::Milliseconds(300);
  EXPECT_THAT(client_->Do(hung), StatusIs(absl::StatusCode::kDeadlineExceeded));
  ASSERT_OK_AND_ASSIGN(HttpResponse next, client_->Do(Request("GET", "a/other")));
  EXPECT_EQ(next.body, "small");
  EXPECT_EQ(proxy_->requests(), 2);
}

TEST_F(FaultProxyTest, DropsTheConnectionInTheMiddleOfTheBody) {
  proxy_->InjectFault(Fault::kDropMidBody, 1);
  EXPECT_THAT(client_->Do(Request("GET", "a/object")), StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK_AND_ASSIGN(HttpResponse next, client_->Do(Request("GET", "a/object")));
  EXPECT_EQ(next.body, Payload());
  EXPECT_EQ(proxy_->connections(), 2);
}

TEST_F(FaultProxyTest, ClearedFaultsDoNotHappen) {
  proxy_->InjectFault(Fault::kSlowDown, 5);
  proxy_->ClearFaults();
  ASSERT_OK_AND_ASSIGN(HttpResponse r, client_->Do(Request("GET", "a/other")));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(proxy_->faults_injected(), 0);
}

}  // namespace
}  // namespace charon::testing
