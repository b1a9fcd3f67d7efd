// S3Bucket on a real S3 server (s3rver) behind the FaultProxy: throttling (503 SlowDown), dropped
// bodies and hung requests are retried within the attempts the config allows, or fail with
// Unavailable naming the bucket and the object; a hung GET is answered by its hedge when
// hedging_config is enabled, and waits for the response header timeout when it is not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "objstore/s3/s3_bucket.h"
#include "testing/fault_proxy.h"
#include "testing/proxied_s3_test.h"
#include "testing/s3_server.h"
#include "testing/status_matchers.h"

namespace charon::objstore {
namespace {

using ::charon::testing::Fault;
using ::charon::testing::S3Server;
using ::charon::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kBucket[] = "faults";
constexpr char kObject[] = "01BLOCK/chunks/000001";
constexpr char kWarm[] = "01BLOCK/index";  // read to learn the latencies

std::string Payload() {
  std::string s;
  for (int i = 0; s.size() < 100000; ++i) absl::StrAppend(&s, i, ",");
  return s;
}

class S3FaultTest : public ::charon::testing::ProxiedS3Test {
 protected:
  static void SetUpTestSuite() { StartS3(kBucket, {{kObject, Payload()}, {kWarm, Payload()}}); }

  // Through the proxy; `max_retries` attempts in all; hung requests give up after
  // `header_timeout`.
  std::unique_ptr<S3Bucket> Open(int max_retries, absl::Duration header_timeout,
                                 http::HedgingPolicy hedging = {}) {
    S3BucketOptions o;
    o.config.bucket = kBucket;
    o.config.endpoint = proxy_->endpoint();
    o.config.insecure = true;
    o.config.bucket_lookup_type = s3::BucketLookup::kPath;
    o.config.max_retries = max_retries;
    o.config.http_config.response_header_timeout = header_timeout;
    o.credentials = {S3Server::kAccessKey, S3Server::kSecretKey, ""};
    o.initial_backoff = absl::Milliseconds(5);
    o.max_backoff = absl::Milliseconds(20);
    o.hedging = std::move(hedging);
    absl::StatusOr<std::unique_ptr<S3Bucket>> bucket = S3Bucket::Open(std::move(o));
    EXPECT_OK(bucket);
    return bucket.ok() ? *std::move(bucket) : nullptr;
  }
};

TEST_F(S3FaultTest, SlowDownIsRetried) {
  auto bucket = Open(/*max_retries=*/3, absl::Minutes(1));
  ASSERT_NE(bucket, nullptr);
  proxy_->InjectFault(Fault::kSlowDown, 2, kObject);
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->GetRange(kObject, 100, 50));
  EXPECT_EQ(got, Payload().substr(100, 50));
  EXPECT_EQ(proxy_->requests(), 3);
}

TEST_F(S3FaultTest, SlowDownPastTheLastAttemptIsUnavailableNamingTheObject) {
  auto bucket = Open(/*max_retries=*/3, absl::Minutes(1));
  ASSERT_NE(bucket, nullptr);
  proxy_->InjectFault(Fault::kSlowDown, 100, kObject);
  absl::StatusOr<std::string> got = bucket->GetRange(kObject, 0, 10);
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(got.status().message()),
              AllOf(HasSubstr(kBucket), HasSubstr(kObject), HasSubstr("503")));
  EXPECT_EQ(proxy_->requests(), 3);
}

TEST_F(S3FaultTest, BodyDroppedMidwayIsRetriedAndNeverReturnedPartially) {
  auto bucket = Open(/*max_retries=*/3, absl::Minutes(1));
  ASSERT_NE(bucket, nullptr);
  proxy_->InjectFault(Fault::kDropMidBody, 2, kObject);
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->Get(kObject));
  EXPECT_EQ(got, Payload());
  EXPECT_EQ(proxy_->requests(), 3);
}

TEST_F(S3FaultTest, BodyDroppedOnEveryAttemptIsUnavailable) {
  auto bucket = Open(/*max_retries=*/2, absl::Minutes(1));
  ASSERT_NE(bucket, nullptr);
  proxy_->InjectFault(Fault::kDropMidBody, 100, kObject);
  EXPECT_THAT(bucket->GetRange(kObject, 0, 60000),
              StatusIs(absl::StatusCode::kUnavailable, kObject));
  EXPECT_EQ(proxy_->requests(), 2);
}

TEST_F(S3FaultTest, HungRequestIsRetriedAfterTheResponseHeaderTimeout) {
  auto bucket = Open(/*max_retries=*/3, absl::Milliseconds(300));
  ASSERT_NE(bucket, nullptr);
  proxy_->InjectFault(Fault::kHang, 1, kObject);
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->GetRange(kObject, 7, 9));
  EXPECT_EQ(got, Payload().substr(7, 9));
  EXPECT_EQ(proxy_->requests(), 2);
}

TEST_F(S3FaultTest, HungOnEveryAttemptIsAnErrorNotAHang) {
  auto bucket = Open(/*max_retries=*/2, absl::Milliseconds(200));
  ASSERT_NE(bucket, nullptr);
  proxy_->InjectFault(Fault::kHang, 100, kObject);
  absl::StatusOr<std::string> got = bucket->GetRange(kObject, 0, 10);
  EXPECT_FALSE(got.ok());
  EXPECT_THAT(std::string(got.status().message()), HasSubstr(kObject));
  EXPECT_EQ(proxy_->requests(), 2);
}

// Hedging: after enough quick answers to know the store's latency, a GET that hangs is sent
// again and the copy answers, long before the header timeout (a minute) would have let the
// retry do it.
TEST_F(S3FaultTest, HungGetIsAnsweredByItsHedge) {
  std::atomic<int> hedges{0}, wins{0};
  http::HedgingPolicy hedging;
  hedging.enabled = true;
  hedging.up_to = 2;
  hedging.quantile = 0.9;
  hedging.on_hedge = [&hedges] { ++hedges; };
  hedging.on_hedge_won = [&wins] { ++wins; };
  auto bucket = Open(/*max_retries=*/1, absl::Minutes(1), std::move(hedging));
  ASSERT_NE(bucket, nullptr);
  // Quick answers are rarely hedged (only those slower than the quantile), and never with the
  // fault below, which is for the other object.
  for (int i = 0; i < 20; ++i) ASSERT_OK(bucket->GetRange(kWarm, i, 10));
  const int hedges_before = hedges.load();
  const int wins_before = wins.load();
  proxy_->InjectFault(Fault::kHang, 1, kObject);
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->GetRange(kObject, 1000, 20));
  EXPECT_EQ(got, Payload().substr(1000, 20));
  EXPECT_EQ(hedges.load() - hedges_before, 1);
  // The fault takes whichever copy reaches the proxy first: almost always the first request,
  // whose pooled connection is open, so the hedge answers; if the hedge overtook it, the first
  // request answers. Either way the GET did not wait for the header timeout.
  EXPECT_LE(wins.load() - wins_before, 1);
}

TEST_F(S3FaultTest, WithoutHedgingAHungGetWaitsForTheRetry) {
  auto bucket = Open(/*max_retries=*/2, absl::Milliseconds(500));
  ASSERT_NE(bucket, nullptr);
  for (int i = 0; i < 20; ++i) ASSERT_OK(bucket->GetRange(kWarm, i, 10));
  const int64_t before = proxy_->requests();
  proxy_->InjectFault(Fault::kHang, 1, kObject);
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->GetRange(kObject, 1000, 20));
  EXPECT_EQ(got, Payload().substr(1000, 20));
  // The hung request and its retry, nothing in between.
  EXPECT_EQ(proxy_->requests() - before, 2);
}

}  // namespace
}  // namespace charon::objstore
