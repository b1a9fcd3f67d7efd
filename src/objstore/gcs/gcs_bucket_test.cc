// The GCS bucket against the in-memory FakeGcsServer: the shared conformance suite (through the
// objstore YAML with STORAGE_EMULATOR_HOST, and authenticated with two-entry pages to exercise
// pageToken), then the request shapes, token use and error mapping.
#include "objstore/gcs/gcs_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "objstore/bucket_config.h"
#include "objstore/bucket_conformance.h"
#include "objstore/bucket_wrapper.h"
#include "objstore/gcs/fake_gcs_server.h"
#include "objstore/gcs/test_key.h"
#include "testing/status_matchers.h"

namespace charon::objstore::gcs {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;

// Keeps the fake server alive exactly as long as the bucket that talks to it.
class ServedBucket final : public BucketWrapper {
 public:
  ServedBucket(std::unique_ptr<FakeGcsServer> server, std::unique_ptr<Bucket> bucket)
      : BucketWrapper(bucket.get()), server_(std::move(server)), bucket_(std::move(bucket)) {}

 private:
  std::unique_ptr<FakeGcsServer> server_;  // destroyed after the bucket
  std::unique_ptr<Bucket> bucket_;
};

FakeGcsOptions AuthOptions(const ObjectMap& objects, int page_size) {
  FakeGcsOptions o;
  o.objects = objects;
  o.page_size = page_size;
  o.public_key_pem = kTestPublicKeyPem;
  o.client_email = kTestClientEmail;
  return o;
}

std::shared_ptr<ServiceAccountTokenSource> Tokens(const FakeGcsServer& fake,
                                                  std::function<absl::Time()> now = absl::Now) {
  ServiceAccountTokenSourceOptions o;
  o.key.client_email = kTestClientEmail;
  o.key.private_key = kTestPrivateKeyPem;
  o.key.private_key_id = kTestPrivateKeyId;
  o.key.token_uri = fake.token_uri();
  o.now = std::move(now);
  absl::StatusOr<std::unique_ptr<ServiceAccountTokenSource>> s =
      ServiceAccountTokenSource::Create(std::move(o));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::shared_ptr<ServiceAccountTokenSource>(*std::move(s)) : nullptr;
}

GcsBucketOptions OptionsFor(const FakeGcsServer& fake) {
  GcsBucketOptions o;
  o.bucket = "test-bucket";
  o.base_url = fake.url();
  o.tokens = Tokens(fake);
  o.retry.max_attempts = 3;
  o.retry.initial_backoff = absl::Milliseconds(1);
  o.retry.max_backoff = absl::Milliseconds(5);
  return o;
}

absl::StatusOr<std::unique_ptr<Bucket>> MakeEmulated(const ObjectMap& objects, const std::string&) {
  FakeGcsOptions o;
  o.objects = objects;
  absl::StatusOr<std::unique_ptr<FakeGcsServer>> fake = FakeGcsServer::Start(std::move(o));
  if (!fake.ok()) return fake.status();
  // As an operator would point Charon at an emulator; read once, while the bucket is built.
  ::setenv("STORAGE_EMULATOR_HOST", (*fake)->url().c_str(), 1);
  absl::StatusOr<std::unique_ptr<Bucket>> bucket =
      NewBucketFromYaml("type: GCS\nconfig:\n  bucket: test-bucket\n", "objstore.yml");
  ::unsetenv("STORAGE_EMULATOR_HOST");
  if (!bucket.ok()) return bucket.status();
  return std::unique_ptr<Bucket>(new ServedBucket(*std::move(fake), *std::move(bucket)));
}

absl::StatusOr<std::unique_ptr<Bucket>> MakeAuthenticatedSmallPages(const ObjectMap& objects,
                                                                    const std::string&) {
  absl::StatusOr<std::unique_ptr<FakeGcsServer>> fake =
      FakeGcsServer::Start(AuthOptions(objects, /*page_size=*/2));
  if (!fake.ok()) return fake.status();
  GcsBucketOptions o = OptionsFor(**fake);
  o.list_page_size = 2;
  absl::StatusOr<std::unique_ptr<GcsBucket>> bucket = GcsBucket::Open(std::move(o));
  if (!bucket.ok()) return bucket.status();
  return std::unique_ptr<Bucket>(new ServedBucket(*std::move(fake), *std::move(bucket)));
}

INSTANTIATE_TEST_SUITE_P(Gcs, BucketConformanceTest,
                         ::testing::Values(BucketConformanceParam{"Emulator", MakeEmulated},
                                           BucketConformanceParam{"AuthPageSize2",
                                                                  MakeAuthenticatedSmallPages}),
                         BucketConformanceParamName);

class GcsBucketTest : public ::testing::Test {
 protected:
  void Start(const ObjectMap& objects, int page_size = 1000) {
    ASSERT_OK_AND_ASSIGN(fake_, FakeGcsServer::Start(AuthOptions(objects, page_size)));
  }
  std::unique_ptr<GcsBucket> Make(GcsBucketOptions o) {
    absl::StatusOr<std::unique_ptr<GcsBucket>> b = GcsBucket::Open(std::move(o));
    EXPECT_TRUE(b.ok()) << b.status();
    return b.ok() ? *std::move(b) : nullptr;
  }
  // API requests only (no token requests).
  std::vector<http::RecordedRequest> ApiRequests() const {
    std::vector<http::RecordedRequest> out;
    for (http::RecordedRequest& r : fake_->requests()) {
      if (r.target != "/token") out.push_back(std::move(r));
    }
    return out;
  }

  std::unique_ptr<FakeGcsServer> fake_;
};

TEST_F(GcsBucketTest, RequestShapesAndOneTokenForAll) {
  Start({{"dir/obj x", "0123456789"}, {"dir/sub/y", "y"}});
  auto bucket = Make(OptionsFor(*fake_));
  ASSERT_OK_AND_ASSIGN(std::string part, bucket->GetRange("dir/obj x", 2, 3));
  EXPECT_EQ(part, "234");
  ASSERT_OK_AND_ASSIGN(std::string tail, bucket->GetRange("dir/obj x", 7, -1));
  EXPECT_EQ(tail, "789");
  ASSERT_OK_AND_ASSIGN(std::string whole, bucket->Get("dir/obj x"));
  EXPECT_EQ(whole, "0123456789");
  ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, bucket->Attributes("dir/obj x"));
  EXPECT_EQ(attrs.size, 10);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "dir", false));
  EXPECT_THAT(names, ElementsAre("dir/obj x", "dir/sub/"));

  std::vector<http::RecordedRequest> api = ApiRequests();
  ASSERT_EQ(api.size(), 5u);
  for (const http::RecordedRequest& r : api) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.Header("authorization"), "Bearer token-1") << r.target;
  }
  EXPECT_EQ(api[0].target, "/storage/v1/b/test-bucket/o/dir%2Fobj%20x?alt=media");
  EXPECT_EQ(api[0].Header("range"), "bytes=2-4");
  EXPECT_EQ(api[1].Header("range"), "bytes=7-");
  EXPECT_EQ(api[2].Header("range"), "");
  EXPECT_EQ(api[3].target, "/storage/v1/b/test-bucket/o/dir%2Fobj%20x?fields=size%2Cupdated");
  EXPECT_EQ(api[4].target,
            "/storage/v1/b/test-bucket/o?delimiter=%2F&fields=items%2Fname%2Cprefixes%2C"
            "nextPageToken&maxResults=1000&prefix=dir%2F");
  EXPECT_EQ(fake_->tokens_issued(), 1);
}

TEST_F(GcsBucketTest, RecursiveListingPagesWithoutDelimiter) {
  Start({{"a/1", ""}, {"a/2", ""}, {"a/b/3", ""}, {"a/b/c/4", ""}, {"b", ""}}, /*page_size=*/2);
  GcsBucketOptions o = OptionsFor(*fake_);
  o.list_page_size = 2;
  auto bucket = Make(std::move(o));
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "a/", true));
  EXPECT_THAT(names, ElementsAre("a/1", "a/2", "a/b/3", "a/b/c/4"));
  std::vector<http::RecordedRequest> api = ApiRequests();
  ASSERT_EQ(api.size(), 2u);
  EXPECT_THAT(api[0].target, ::testing::Not(::testing::HasSubstr("delimiter")));
  EXPECT_THAT(api[1].target, ::testing::HasSubstr("&pageToken="));
}

TEST_F(GcsBucketTest, TokenRefreshedAfterExpiry) {
  Start({{"obj", "x"}});
  std::atomic<int64_t> now{1700000000};
  GcsBucketOptions o = OptionsFor(*fake_);
  o.tokens = Tokens(*fake_, [&now] { return absl::FromUnixSeconds(now.load()); });
  auto bucket = Make(std::move(o));
  ASSERT_OK(bucket->Get("obj").status());
  ASSERT_OK(bucket->Get("obj").status());
  now += 3600;
  ASSERT_OK(bucket->Get("obj").status());
  std::vector<http::RecordedRequest> api = ApiRequests();
  ASSERT_EQ(api.size(), 3u);
  EXPECT_EQ(api[1].Header("authorization"), "Bearer token-1");
  EXPECT_EQ(api[2].Header("authorization"), "Bearer token-2");
  EXPECT_EQ(fake_->tokens_issued(), 2);
}

TEST_F(GcsBucketTest, RevokedTokenIsRenewedOnce) {
  Start({{"obj", "x"}});
  auto bucket = Make(OptionsFor(*fake_));
  ASSERT_OK(bucket->Exists("obj").status());
  fake_->RevokeTokens();
  ASSERT_OK_AND_ASSIGN(std::string data, bucket->Get("obj"));
  EXPECT_EQ(data, "x");
  EXPECT_EQ(fake_->tokens_issued(), 2);
  std::vector<http::RecordedRequest> api = ApiRequests();
  ASSERT_EQ(api.size(), 3u);
  EXPECT_EQ(api[1].Header("authorization"), "Bearer token-1");  // answered 401
  EXPECT_EQ(api[2].Header("authorization"), "Bearer token-2");
}

TEST_F(GcsBucketTest, ServerErrorsAreRetriedThenUnavailable) {
  Start({{"dir/obj", "x"}});
  auto bucket = Make(OptionsFor(*fake_));  // 3 attempts
  fake_->FailNext(2, 503);
  ASSERT_OK_AND_ASSIGN(std::string data, bucket->Get("dir/obj"));
  EXPECT_EQ(data, "x");
  fake_->FailNext(3, 503);
  absl::StatusOr<std::string> failed = bucket->Get("dir/obj");
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable, "dir/obj"));
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable, "test-bucket"));
  fake_->FailNext(1, 403);
  EXPECT_THAT(bucket->Exists("dir/obj"), StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(GcsBucketTest, MissingBucketAndObjects) {
  Start({{"obj", "x"}});
  GcsBucketOptions o = OptionsFor(*fake_);
  o.bucket = "other-bucket";
  auto bucket = Make(std::move(o));
  EXPECT_THAT(bucket->Get("obj"), StatusIs(absl::StatusCode::kNotFound, "other-bucket"));
  EXPECT_THAT(ListAll(*bucket, "", false), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(bucket->Name(), "GCS:other-bucket");
}

TEST_F(GcsBucketTest, RefusedCredentialsArePermissionDenied) {
  FakeGcsOptions fo = AuthOptions({{"obj", "x"}}, 1000);
  fo.client_email = "expected-someone-else@example.iam.gserviceaccount.com";
  ASSERT_OK_AND_ASSIGN(fake_, FakeGcsServer::Start(std::move(fo)));
  auto bucket = Make(OptionsFor(*fake_));
  EXPECT_THAT(bucket->Get("obj"), StatusIs(absl::StatusCode::kPermissionDenied, kTestClientEmail));
  EXPECT_THAT(ApiRequests(), ::testing::IsEmpty());
}

}  // namespace
}  // namespace charon::objstore::gcs
