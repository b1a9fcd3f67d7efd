#include "objstore/azure/shared_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "testing/child_process.h"
#include "testing/status_matchers.h"

namespace charon::objstore::azure {
namespace {

using ::charon::testing::StatusIs;

// The emulator's documented development account key.
constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// A List Blobs request on a path-style (emulator) endpoint, with x-ms-* headers out of order and
// in mixed case, and query parameters in a different order than they must be signed in.
constexpr char kListUrl[] =
    "http://127.0.0.1:10000/devstoreaccount1/thanos?restype=container&comp=list"
    "&prefix=01AAA%2F&delimiter=%2F&maxresults=2";
// Verb, eleven empty standard headers, canonicalized headers, canonicalized resource: the layout
// the Blob service documents for Shared Key.
constexpr char kListStringToSign[] =
    "GET\n\n\n\n\n\n\n\n\n\n\n\n"
    "x-ms-date:Mon, 02 Jan 2006 15:04:05 GMT\n"
    "x-ms-version:2020-10-02\n"
    "/devstoreaccount1/devstoreaccount1/thanos\n"
    "comp:list\ndelimiter:/\nmaxresults:2\nprefix:01AAA/\nrestype:container";
// base64(HMAC-SHA256(base64decode(kDevKey), kListStringToSign)), computed with
// `openssl dgst -sha256 -mac HMAC -macopt hexkey:<key hex> -binary | base64`.
constexpr char kListSignature[] = "S0QiTFgF96mMma0pfLwkuVgy1oX0kqm0RMQQorwYnWE=";

SharedKeyCredential DevCredential() {
  absl::StatusOr<SharedKeyCredential> c = SharedKeyCredential::Create("devstoreaccount1", kDevKey);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

TEST(SharedKey, StringToSignOfAListRequest) {
  HeaderList headers = {{"x-ms-version", "2020-10-02"},
                        {"X-MS-Date", "Mon, 02 Jan 2006 15:04:05 GMT"},
                        {"Accept", "*/*"}};
  EXPECT_EQ(DevCredential().StringToSign("GET", kListUrl, headers, 0), kListStringToSign);
}

TEST(SharedKey, SignatureMatchesKnownVector) {
  EXPECT_EQ(DevCredential().Signature(kListStringToSign), kListSignature);
}

TEST(SharedKey, SignatureMatchesOpensslCommandLine) {
  std::string raw_key;
  ASSERT_TRUE(absl::Base64Unescape(kDevKey, &raw_key));
  const std::string to_sign =
      "PUT\n\n\n5\n\napplication/octet-stream\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n"
      "x-ms-date:Tue, 03 Jan 2006 00:00:00 GMT\nx-ms-version:2020-10-02\n/acct/c/with%20space/b";
  ASSERT_OK_AND_ASSIGN(
      testing::CommandResult r,
      testing::RunCommand({"openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt",
                           absl::StrCat("hexkey:", absl::BytesToHexString(raw_key))},
                          to_sign));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  // "HMAC-SHA2-256(stdin)= <hex>" (the label differs between OpenSSL versions).
  std::vector<std::string> parts = absl::StrSplit(r.stdout_text, "= ");
  ASSERT_EQ(parts.size(), 2u) << r.stdout_text;
  std::string mac = absl::HexStringToBytes(absl::StripAsciiWhitespace(parts[1]));
  ASSERT_OK_AND_ASSIGN(SharedKeyCredential c, SharedKeyCredential::Create("acct", kDevKey));
  EXPECT_EQ(c.Signature(to_sign), absl::Base64Escape(mac));
}

TEST(SharedKey, StringToSignOfAPutWithBody) {
  ASSERT_OK_AND_ASSIGN(SharedKeyCredential c, SharedKeyCredential::Create("acct", kDevKey));
  HeaderList headers = {{"Content-Type", "application/octet-stream"},
                        {"x-ms-version", "2020-10-02"},
                        {"x-ms-blob-type", " BlockBlob "},
                        {"x-ms-date", "Tue, 03 Jan 2006 00:00:00 GMT"}};
  EXPECT_EQ(
      c.StringToSign("PUT", "https://acct.blob.core.windows.net/c/with%20space/b", headers, 5),
      "PUT\n\n\n5\n\napplication/octet-stream\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\n"
      "x-ms-date:Tue, 03 Jan 2006 00:00:00 GMT\nx-ms-version:2020-10-02\n"
      "/acct/c/with%20space/b");
  // An empty body signs an empty Content-Length (service versions 2015-02-21 and later).
  EXPECT_THAT(c.StringToSign("PUT", "https://acct.blob.core.windows.net/c?restype=container",
                             {{"Content-Length", "0"}}, 0),
              ::testing::StartsWith("PUT\n\n\n\n"));
}

TEST(SharedKey, RepeatedQueryParametersAreJoinedSorted) {
  ASSERT_OK_AND_ASSIGN(SharedKeyCredential c, SharedKeyCredential::Create("acct", kDevKey));
  std::string s =
      c.StringToSign("GET", "https://acct.blob.core.windows.net/?Comp=list&b=2&b=1", {}, 0);
  EXPECT_THAT(s, ::testing::EndsWith("\n/acct/\nb:1,2\ncomp:list"));
}

TEST(SharedKey, SignAddsDateAndAuthorization) {
  http::HttpRequest request;
  request.method = "GET";
  request.url = kListUrl;
  request.headers = {{"x-ms-version", "2020-10-02"}};
  DevCredential().Sign(request, absl::FromUnixSeconds(1136214245));  // 2006-01-02T15:04:05Z
  ASSERT_EQ(request.headers.size(), 3u);
  EXPECT_EQ(request.headers[1],
            (std::pair<std::string, std::string>{"x-ms-date", "Mon, 02 Jan 2006 15:04:05 GMT"}));
  EXPECT_EQ(request.headers[2].first, "Authorization");
  EXPECT_EQ(request.headers[2].second, absl::StrCat("SharedKey devstoreaccount1:", kListSignature));
}

TEST(SharedKey, RejectsBadKeys) {
  EXPECT_THAT(SharedKeyCredential::Create("acct", "not base64!"),
              StatusIs(absl::StatusCode::kInvalidArgument, "acct"));
  EXPECT_THAT(SharedKeyCredential::Create("acct", ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SharedKeyCredential::Create("", kDevKey),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(HttpDate, FormatsAndParsesRfc1123) {
  absl::Time t = absl::FromUnixSeconds(1136214245);
  EXPECT_EQ(HttpDate(t), "Mon, 02 Jan 2006 15:04:05 GMT");
  ASSERT_OK_AND_ASSIGN(absl::Time parsed, ParseHttpDate("Mon, 02 Jan 2006 15:04:05 GMT"));
  EXPECT_EQ(parsed, t);
  EXPECT_THAT(ParseHttpDate("2006-01-02T15:04:05Z"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace charon::objstore::azure
