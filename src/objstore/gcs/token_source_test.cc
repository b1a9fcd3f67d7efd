#include "objstore/gcs/token_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "objstore/gcs/fake_gcs_server.h"
#include "objstore/gcs/test_key.h"
#include "testing/status_matchers.h"

namespace charon::objstore::gcs {
namespace {

using ::charon::testing::StatusIs;

// A clock the test moves by hand.
struct FakeClock {
  std::atomic<int64_t> seconds{1700000000};
  absl::Time Now() const { return absl::FromUnixSeconds(seconds.load()); }
};

class TokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeGcsOptions o;
    o.public_key_pem = kTestPublicKeyPem;
    o.client_email = kTestClientEmail;
    o.expires_in = 3600;
    ASSERT_OK_AND_ASSIGN(fake_, FakeGcsServer::Start(std::move(o)));
  }

  std::unique_ptr<ServiceAccountTokenSource> Source(std::string client_email = kTestClientEmail) {
    ServiceAccountTokenSourceOptions o;
    o.key.client_email = std::move(client_email);
    o.key.private_key = kTestPrivateKeyPem;
    o.key.private_key_id = kTestPrivateKeyId;
    o.key.token_uri = fake_->token_uri();
    o.retry.max_attempts = 1;
    o.now = [this] { return clock_.Now(); };
    absl::StatusOr<std::unique_ptr<ServiceAccountTokenSource>> s =
        ServiceAccountTokenSource::Create(std::move(o));
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  FakeClock clock_;
  std::unique_ptr<FakeGcsServer> fake_;
};

TEST_F(TokenSourceTest, FetchesOnceAndReuses) {
  auto source = Source();
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string token, source->Token());
    EXPECT_EQ(token, "token-1");
  }
  EXPECT_EQ(fake_->tokens_issued(), 1);
  EXPECT_EQ(fake_->last_token_error(), "");
  std::vector<http::RecordedRequest> requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/token");
  EXPECT_THAT(requests[0].body,
              ::testing::StartsWith(
                  "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"));
}

TEST_F(TokenSourceTest, RefreshesShortlyBeforeExpiry) {
  auto source = Source();
  ASSERT_OK_AND_ASSIGN(std::string first, source->Token());
  EXPECT_EQ(first, "token-1");
  clock_.seconds += 3600 - 61;  // still more than the one-minute margin left
  ASSERT_OK_AND_ASSIGN(std::string same, source->Token());
  EXPECT_EQ(same, "token-1");
  clock_.seconds += 2;  // inside the margin
  ASSERT_OK_AND_ASSIGN(std::string second, source->Token());
  EXPECT_EQ(second, "token-2");
  ASSERT_OK_AND_ASSIGN(std::string again, source->Token());
  EXPECT_EQ(again, "token-2");
  EXPECT_EQ(fake_->tokens_issued(), 2);
  EXPECT_EQ(fake_->last_token_error(), "");  // the second assertion carried the new iat too
}

TEST_F(TokenSourceTest, InvalidateFetchesANewToken) {
  auto source = Source();
  ASSERT_OK(source->Token().status());
  source->Invalidate();
  ASSERT_OK_AND_ASSIGN(std::string token, source->Token());
  EXPECT_EQ(token, "token-2");
}

TEST_F(TokenSourceTest, ConcurrentCallersShareOneFetch) {
  auto source = Source();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<std::string> token = source->Token();
        if (!token.ok() || *token != "token-1") ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fake_->tokens_issued(), 1);
}

TEST_F(TokenSourceTest, RefusedAssertionIsPermissionDeniedAndNotCached) {
  auto source = Source("someone-else@example.iam.gserviceaccount.com");
  absl::StatusOr<std::string> token = source->Token();
  EXPECT_THAT(token, StatusIs(absl::StatusCode::kPermissionDenied, "someone-else@"));
  EXPECT_THAT(token, StatusIs(absl::StatusCode::kPermissionDenied, "invalid_grant"));
  EXPECT_EQ(fake_->last_token_error(), "wrong iss");
  EXPECT_THAT(source->Token(), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(fake_->requests().size(), 2u);
}

TEST_F(TokenSourceTest, UnreachableEndpointIsUnavailable) {
  ServiceAccountTokenSourceOptions o;
  o.key.client_email = kTestClientEmail;
  o.key.private_key = kTestPrivateKeyPem;
  o.key.token_uri = "http://127.0.0.1:1/token";
  o.retry.max_attempts = 1;
  ASSERT_OK_AND_ASSIGN(auto source, ServiceAccountTokenSource::Create(std::move(o)));
  EXPECT_THAT(source->Token(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(ServiceAccountTokenSource, CreateRejectsAKeyThatCannotSign) {
  ServiceAccountTokenSourceOptions o;
  o.key.client_email = kTestClientEmail;
  o.key.private_key = "garbage";
  EXPECT_THAT(ServiceAccountTokenSource::Create(std::move(o)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace charon::objstore::gcs
