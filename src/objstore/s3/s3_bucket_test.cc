// S3Bucket's requests and error handling against a scripted local HTTP server: what is sent
// (signing headers, sorted queries, ranges, SSE-C, virtual hosts), pagination, retries, and how
// answers map to status codes.
#include "objstore/s3/s3_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "objstore/http/testing/client_test_util.h"
#include "objstore/http/testing/test_http_server.h"
#include "objstore/s3/s3_region.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore {
namespace {

using ::charon::objstore::http::RecordedRequest;
using ::charon::objstore::http::StartTestServer;
using ::charon::objstore::http::TestHttpServer;
using ::charon::objstore::http::TestResponse;
using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

S3BucketOptions Options(const TestHttpServer& server) {
  S3BucketOptions o;
  o.config.bucket = "b";
  o.config.endpoint = absl::StrCat("127.0.0.1:", server.port());
  o.config.insecure = true;
  o.config.bucket_lookup_type = s3::BucketLookup::kPath;
  o.config.max_retries = 3;
  o.credentials = {"AK", "SK", ""};
  o.region = "eu-west-1";
  o.initial_backoff = absl::Milliseconds(1);
  o.max_backoff = absl::Milliseconds(2);
  return o;
}

std::unique_ptr<S3Bucket> Open(S3BucketOptions options) {
  auto bucket = S3Bucket::Open(std::move(options));
  EXPECT_OK(bucket);
  return bucket.ok() ? *std::move(bucket) : nullptr;
}

absl::StatusOr<std::vector<std::string>> ListAll(Bucket& bucket, std::string_view dir,
                                                 bool recursive) {
  std::vector<std::string> names;
  CHARON_RETURN_IF_ERROR(bucket.Iter(
      dir,
      [&names](std::string_view name) {
        names.emplace_back(name);
        return absl::OkStatus();
      },
      IterOptions{.recursive = recursive}));
  return names;
}

TestResponse ErrorXml(int status, std::string code, std::string extra = "") {
  return TestResponse{
      .status = status,
      .body = absl::StrCat("<?xml version=\"1.0\"?><Error><Code>", code, "</Code><Message>msg for ",
                           code, "</Message>", extra, "</Error>")};
}

TEST(S3Bucket, RetriesServerErrorsThenSucceeds) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    return ++calls == 1 ? ErrorXml(500, "InternalError") : TestResponse{.body = "data"};
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->Get("obj"));
  EXPECT_EQ(got, "data");
  EXPECT_EQ(calls.load(), 2);
}

TEST(S3Bucket, ServerErrorsAfterTheLastRetryAreUnavailable) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    ++calls;
    return ErrorXml(503, "SlowDown");
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));  // max_retries: 3
  auto got = bucket->Get("dir/obj");
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kUnavailable, "object dir/obj in bucket b"));
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("SlowDown"));
  EXPECT_EQ(calls.load(), 3);
}

TEST(S3Bucket, TransportErrorsNameBucketAndObject) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.drop = true}; });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  EXPECT_THAT(bucket->Get("obj"),
              StatusIs(absl::StatusCode::kUnavailable, "object obj in bucket b"));
  EXPECT_EQ(server->requests().size(), 3u);
}

TEST(S3Bucket, ErrorAnswersMapToStatusCodes) {
  struct Case {
    TestResponse response;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {ErrorXml(404, "NoSuchKey"), absl::StatusCode::kNotFound, "object obj in bucket b"},
      {ErrorXml(404, "NoSuchBucket"), absl::StatusCode::kNotFound, "bucket b does not exist"},
      {ErrorXml(403, "AccessDenied"), absl::StatusCode::kPermissionDenied, "access denied"},
      {ErrorXml(403, "SignatureDoesNotMatch"), absl::StatusCode::kPermissionDenied,
       "SignatureDoesNotMatch"},
      {ErrorXml(400, "AuthorizationHeaderMalformed", "<Region>us-west-2</Region>"),
       absl::StatusCode::kFailedPrecondition, "region: us-west-2"},
      {TestResponse{.status = 301, .headers = {{"x-amz-bucket-region", "ap-south-1"}}},
       absl::StatusCode::kFailedPrecondition, "region: ap-south-1"},
      {ErrorXml(400, "InvalidRequest"), absl::StatusCode::kInvalidArgument, "InvalidRequest"},
      {ErrorXml(409, "OperationAborted"), absl::StatusCode::kUnknown, "OperationAborted"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    auto server = StartTestServer([&c](const RecordedRequest&) { return c.response; });
    ASSERT_NE(server, nullptr);
    auto bucket = Open(Options(*server));
    EXPECT_THAT(bucket->Get("obj"), StatusIs(c.code, c.message));
    EXPECT_THAT(bucket->Iter("", [](std::string_view) { return absl::OkStatus(); }),
                StatusIs(c.code, "bucket b"));
  }
}

TEST(S3Bucket, HeadAnswersWithoutBody) {
  auto server = StartTestServer([](const RecordedRequest& r) {
    if (r.target == "/b/there") {
      return TestResponse{.headers = {{"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}},
                          .body = "12345"};
    }
    if (r.target == "/b/secret") return TestResponse{.status = 403};
    return TestResponse{.status = 404};
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, bucket->Attributes("there"));
  EXPECT_EQ(attrs.size, 5);
  EXPECT_EQ(attrs.last_modified,
            absl::FromCivil(absl::CivilSecond(2015, 10, 21, 7, 28, 0), absl::UTCTimeZone()));
  EXPECT_THAT(bucket->Exists("there"), ::testing::Eq(absl::StatusOr<bool>(true)));
  EXPECT_THAT(bucket->Exists("gone"), ::testing::Eq(absl::StatusOr<bool>(false)));
  EXPECT_THAT(bucket->Attributes("gone"), StatusIs(absl::StatusCode::kNotFound, "gone"));
  EXPECT_THAT(bucket->Exists("secret"), StatusIs(absl::StatusCode::kPermissionDenied, "secret"));
  for (const RecordedRequest& r : server->requests()) EXPECT_EQ(r.method, "HEAD");
}

TEST(S3Bucket, SignedListingSendsSortedQueryAndSignedHeaders) {
  auto server = StartTestServer([](const RecordedRequest&) {
    return TestResponse{.body =
                            "<ListBucketResult><IsTruncated>false</IsTruncated>"
                            "<Contents><Key>dir/a</Key></Contents>"
                            "<CommonPrefixes><Prefix>dir/sub/</Prefix></CommonPrefixes>"
                            "</ListBucketResult>"};
  });
  ASSERT_NE(server, nullptr);
  S3BucketOptions options = Options(*server);
  options.credentials.session_token = "TOKEN";
  auto bucket = Open(options);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "dir", false));
  EXPECT_THAT(names, ElementsAre("dir/a", "dir/sub/"));
  ASSERT_EQ(server->requests().size(), 1u);
  const RecordedRequest r = server->requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/b/?delimiter=%2F&encoding-type=url&list-type=2&prefix=dir%2F");
  EXPECT_EQ(r.Header("x-amz-content-sha256"), kEmptySha256);
  EXPECT_EQ(r.Header("x-amz-security-token"), "TOKEN");
  EXPECT_THAT(r.Header("authorization"), StartsWith("AWS4-HMAC-SHA256 Credential=AK/"));
  EXPECT_THAT(r.Header("authorization"),
              HasSubstr("/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;"
                        "x-amz-date;x-amz-security-token, Signature="));
}

TEST(S3Bucket, AnonymousRequestsAreNotSigned) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.body = "x"}; });
  ASSERT_NE(server, nullptr);
  S3BucketOptions options = Options(*server);
  options.credentials = {};
  auto bucket = Open(options);
  ASSERT_OK(bucket->Get("obj"));
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].Header("authorization"), "");
}

TEST(S3Bucket, ListingV2FollowsContinuationTokens) {
  auto server = StartTestServer([](const RecordedRequest& r) {
    if (!absl::StrContains(r.target, "continuation-token")) {
      return TestResponse{.body =
                              "<ListBucketResult><IsTruncated>true</IsTruncated>"
                              "<Contents><Key>a</Key></Contents><Contents><Key>b/</Key>"
                              "</Contents><Contents><Key>b/c</Key></Contents>"
                              "<NextContinuationToken>t/1=</NextContinuationToken>"
                              "</ListBucketResult>"};
    }
    return TestResponse{.body =
                            "<ListBucketResult><IsTruncated>false</IsTruncated>"
                            "<Contents><Key>d</Key></Contents></ListBucketResult>"};
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", true));
  EXPECT_THAT(names, ElementsAre("a", "b/c", "d"));  // the "b/" marker object is not an object
  ASSERT_EQ(server->requests().size(), 2u);
  EXPECT_EQ(server->requests()[1].target,
            "/b/?continuation-token=t%2F1%3D&encoding-type=url&list-type=2&prefix=");
}

TEST(S3Bucket, ListingV1ContinuesFromTheLastEntryWithoutNextMarker) {
  auto server = StartTestServer([](const RecordedRequest& r) {
    if (!absl::StrContains(r.target, "marker=")) {
      return TestResponse{.body =
                              "<ListBucketResult><IsTruncated>true</IsTruncated>"
                              "<Contents><Key>x/a</Key></Contents>"
                              "<Contents><Key>x/b</Key></Contents></ListBucketResult>"};
    }
    return TestResponse{.body =
                            "<ListBucketResult><IsTruncated>false</IsTruncated>"
                            "<Contents><Key>x/c</Key></Contents></ListBucketResult>"};
  });
  ASSERT_NE(server, nullptr);
  S3BucketOptions options = Options(*server);
  options.config.list_objects_version = "v1";
  auto bucket = Open(options);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "x/", true));
  EXPECT_THAT(names, ElementsAre("x/a", "x/b", "x/c"));
  ASSERT_EQ(server->requests().size(), 2u);
  EXPECT_EQ(server->requests()[0].target, "/b/?encoding-type=url&prefix=x%2F");
  EXPECT_EQ(server->requests()[1].target, "/b/?encoding-type=url&marker=x%2Fb&prefix=x%2F");
}

TEST(S3Bucket, TruncatedPageWithoutTokenIsUnavailable) {
  auto server = StartTestServer([](const RecordedRequest&) {
    return TestResponse{.body =
                            "<ListBucketResult><IsTruncated>true</IsTruncated>"
                            "<Contents><Key>a</Key></Contents></ListBucketResult>"};
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  EXPECT_THAT(ListAll(*bucket, "", true),
              StatusIs(absl::StatusCode::kUnavailable, "NextContinuationToken"));
}

TEST(S3Bucket, VirtualHostedRequestsNameTheBucketInTheHost) {
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.body = "v"}; });
  ASSERT_NE(server, nullptr);
  S3BucketOptions options = Options(*server);
  options.config.endpoint = absl::StrCat("localhost:", server->port());
  options.config.bucket_lookup_type = s3::BucketLookup::kVirtualHosted;
  auto bucket = Open(options);
  ASSERT_OK_AND_ASSIGN(std::string got, bucket->Get("dir/o b"));
  EXPECT_EQ(got, "v");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].Header("host"), absl::StrCat("b.localhost:", server->port()));
  EXPECT_EQ(server->requests()[0].target, "/dir/o%20b");
}

TEST(S3Bucket, RangesAreAskedForAndCutWhenIgnored) {
  const std::string data = "0123456789";
  std::atomic<bool> honour{true};
  auto server = StartTestServer([&](const RecordedRequest& r) {
    std::string range = r.Header("range");
    if (!honour || range.empty()) return TestResponse{.body = data};
    int64_t a = 0, b = static_cast<int64_t>(data.size()) - 1;
    std::string spec = range.substr(6);
    a = std::stoll(spec.substr(0, spec.find('-')));
    if (spec.back() != '-') b = std::min<int64_t>(b, std::stoll(spec.substr(spec.find('-') + 1)));
    if (a >= static_cast<int64_t>(data.size())) return ErrorXml(416, "InvalidRange");
    return TestResponse{
        .status = 206, .body = data.substr(static_cast<size_t>(a), static_cast<size_t>(b - a + 1))};
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  for (bool h : {true, false}) {
    SCOPED_TRACE(h);
    honour = h;
    EXPECT_EQ(*bucket->GetRange("o", 2, 3), "234");
    EXPECT_EQ(*bucket->GetRange("o", 7, 100), "789");
    EXPECT_EQ(*bucket->GetRange("o", 4, -1), "456789");
    EXPECT_EQ(*bucket->GetRange("o", 10, 5), "");
    EXPECT_EQ(*bucket->Get("o"), data);
  }
  std::vector<RecordedRequest> reqs = server->requests();
  ASSERT_GE(reqs.size(), 5u);
  EXPECT_EQ(reqs[0].Header("range"), "bytes=2-4");
  EXPECT_EQ(reqs[1].Header("range"), "bytes=7-106");
  EXPECT_EQ(reqs[2].Header("range"), "bytes=4-");
  EXPECT_EQ(reqs[3].Header("range"), "bytes=10-14");
  EXPECT_EQ(reqs[4].Header("range"), "");
}

TEST(S3Bucket, PartialAnswersAreCheckedAgainstTheAskedRange) {
  auto server = StartTestServer([](const RecordedRequest& r) {
    // Whole object for "bytes=0-0"; a shifted range otherwise.
    if (r.Header("range") == "bytes=0-0") {
      return TestResponse{
          .status = 206, .headers = {{"Content-Range", "bytes 0-9/10"}}, .body = "0123456789"};
    }
    return TestResponse{
        .status = 206, .headers = {{"Content-Range", "bytes 0-1/10"}}, .body = "01"};
  });
  ASSERT_NE(server, nullptr);
  auto bucket = Open(Options(*server));
  ASSERT_OK_AND_ASSIGN(std::string first, bucket->GetRange("o", 0, 1));
  EXPECT_EQ(first, "0");
  EXPECT_THAT(bucket->GetRange("o", 5, 2),
              StatusIs(absl::StatusCode::kUnavailable, "Content-Range bytes 0-1/10"));
}

TEST(S3Bucket, SseCustomerKeyIsSentWithReads) {
  ASSERT_OK_AND_ASSIGN(auto dir, ::charon::testing::TempDir::Create("ssec"));
  ASSERT_OK(::charon::testing::WriteFile(dir.Path("key"), std::string(32, 'k')));
  ASSERT_OK(::charon::testing::WriteFile(dir.Path("short"), "too short"));
  auto server = StartTestServer([](const RecordedRequest&) { return TestResponse{.body = "x"}; });
  ASSERT_NE(server, nullptr);
  S3BucketOptions options = Options(*server);
  options.config.sse_config.type = "SSE-C";
  options.config.sse_config.encryption_key = dir.Path("key");
  auto bucket = Open(options);
  ASSERT_OK(bucket->Get("o"));
  ASSERT_OK(bucket->Exists("o"));
  for (const RecordedRequest& r : server->requests()) {
    SCOPED_TRACE(r.method);
    EXPECT_EQ(r.Header("x-amz-server-side-encryption-customer-algorithm"), "AES256");
    EXPECT_EQ(r.Header("x-amz-server-side-encryption-customer-key"),
              "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=");
    EXPECT_EQ(r.Header("x-amz-server-side-encryption-customer-key-md5"),
              "mT2HRsMGJ5IX5C+0rreZ8Q==");
  }
  options.config.sse_config.encryption_key = dir.Path("short");
  EXPECT_THAT(S3Bucket::Open(options),
              StatusIs(absl::StatusCode::kInvalidArgument, "exactly 32 bytes"));
  options.config.sse_config.encryption_key = dir.Path("missing");
  EXPECT_THAT(S3Bucket::Open(options), StatusIs(absl::StatusCode::kInvalidArgument, "missing"));
}

TEST(FetchBucketRegion, AsksTheLocationSignedForUsEast1) {
  std::atomic<int> calls{0};
  auto server = StartTestServer([&calls](const RecordedRequest&) {
    switch (++calls) {
      case 1:
        return TestResponse{.body = "<LocationConstraint>eu-central-1</LocationConstraint>"};
      case 2:
        return ErrorXml(403, "AccessDenied");
      default:
        return ErrorXml(404, "NoSuchBucket");
    }
  });
  ASSERT_NE(server, nullptr);
  ASSERT_OK_AND_ASSIGN(auto client, http::HttpClient::Create({}, {.max_attempts = 1}));
  ASSERT_OK_AND_ASSIGN(
      auto path, s3::S3Addressing::Create(absl::StrCat("127.0.0.1:", server->port()), "b", false,
                                          s3::BucketLookup::kPath));
  const s3::Credentials creds{"AK", "SK", ""};
  ASSERT_OK_AND_ASSIGN(std::string region, s3::FetchBucketRegion(*client, path, creds));
  EXPECT_EQ(region, "eu-central-1");
  EXPECT_EQ(server->requests()[0].target, "/b/?location=");
  EXPECT_THAT(server->requests()[0].Header("authorization"), HasSubstr("/us-east-1/s3/"));

  ASSERT_OK_AND_ASSIGN(region, s3::FetchBucketRegion(*client, path, creds));
  EXPECT_EQ(region, "us-east-1");
  EXPECT_THAT(s3::FetchBucketRegion(*client, path, creds),
              StatusIs(absl::StatusCode::kNotFound, "bucket b"));
}

}  // namespace
}  // namespace charon::objstore
