#include "objstore/gcs/service_account.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "objstore/gcs/test_key.h"
#include "testing/child_process.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore::gcs {
namespace {

using ::charon::testing::StatusIs;

ServiceAccountKey TestKey() {
  ServiceAccountKey key;
  key.client_email = kTestClientEmail;
  key.private_key = kTestPrivateKeyPem;
  key.private_key_id = kTestPrivateKeyId;
  return key;
}

const absl::Time kIat = absl::FromUnixSeconds(1700000000);

TEST(Jwt, SigningInputMatchesKnownVector) {
  EXPECT_EQ(JwtSigningInput(TestKey(), kReadOnlyScope, kIat), kTestJwtSigningInput);
}

TEST(Jwt, HeaderAndClaims) {
  std::vector<std::string> parts = absl::StrSplit(JwtSigningInput(TestKey(), "s", kIat), '.');
  ASSERT_EQ(parts.size(), 2u);
  std::string header_json, claims_json;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[0], &header_json));
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &claims_json));
  EXPECT_EQ(nlohmann::json::parse(header_json),
            nlohmann::json({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kTestPrivateKeyId}}));
  EXPECT_EQ(nlohmann::json::parse(claims_json),
            nlohmann::json({{"iss", kTestClientEmail},
                            {"scope", "s"},
                            {"aud", "https://oauth2.googleapis.com/token"},
                            {"iat", 1700000000},
                            {"exp", 1700003600}}));
}

TEST(Jwt, SignatureMatchesKnownVector) {
  ASSERT_OK_AND_ASSIGN(std::string signature, SignRs256(kTestPrivateKeyPem, kTestJwtSigningInput));
  EXPECT_EQ(signature.size(), 256u);
  EXPECT_EQ(Base64UrlEncode(signature), kTestJwtSignature);
  ASSERT_OK_AND_ASSIGN(std::string jwt, MakeJwtAssertion(TestKey(), kReadOnlyScope, kIat));
  EXPECT_EQ(jwt, std::string(kTestJwtSigningInput) + "." + kTestJwtSignature);
}

// RS256 with PKCS#1 v1.5 padding is deterministic: the command line must produce the same bytes,
// and its verifier must accept ours.
TEST(Jwt, SignatureAgreesWithOpensslCommandLine) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("jwt"));
  ASSERT_OK(testing::WriteFile(dir.Path("key.pem"), kTestPrivateKeyPem));
  ASSERT_OK(testing::WriteFile(dir.Path("pub.pem"), kTestPublicKeyPem));
  const std::string input = JwtSigningInput(TestKey(), kReadOnlyScope, absl::FromUnixSeconds(42));
  ASSERT_OK_AND_ASSIGN(std::string ours, SignRs256(kTestPrivateKeyPem, input));

  ASSERT_OK_AND_ASSIGN(
      testing::CommandResult signed_by_cli,
      testing::RunCommand({"openssl", "dgst", "-sha256", "-sign", dir.Path("key.pem")}, input));
  ASSERT_EQ(signed_by_cli.exit_code, 0) << signed_by_cli.stderr_text;
  EXPECT_TRUE(signed_by_cli.stdout_text == ours);

  ASSERT_OK(testing::WriteFile(dir.Path("sig.bin"), ours));
  ASSERT_OK_AND_ASSIGN(testing::CommandResult verified,
                       testing::RunCommand({"openssl", "dgst", "-sha256", "-verify",
                                            dir.Path("pub.pem"), "-signature", dir.Path("sig.bin")},
                                           input));
  EXPECT_EQ(verified.exit_code, 0) << verified.stdout_text << verified.stderr_text;
  EXPECT_THAT(verified.stdout_text, ::testing::HasSubstr("Verified OK"));
}

TEST(Jwt, SignRejectsKeysThatCannotSignRs256) {
  EXPECT_THAT(SignRs256("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(testing::CommandResult ec,
                       testing::RunCommand({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                            "ec_paramgen_curve:P-256"}));
  ASSERT_EQ(ec.exit_code, 0) << ec.stderr_text;
  EXPECT_THAT(SignRs256(ec.stdout_text, "x"), StatusIs(absl::StatusCode::kInvalidArgument, "RSA"));
}

TEST(Base64Url, NoPaddingAndUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("ab"), "YWI");
  EXPECT_EQ(Base64UrlEncode(""), "");
}

std::string KeyJson(const std::string& type = "service_account", bool with_token_uri = true) {
  nlohmann::json j = {{"type", type},
                      {"project_id", "proj"},
                      {"private_key_id", kTestPrivateKeyId},
                      {"private_key", kTestPrivateKeyPem},
                      {"client_email", kTestClientEmail},
                      {"client_id", "123"}};
  if (with_token_uri) j["token_uri"] = "https://example.test/token";
  return j.dump(2);
}

TEST(ServiceAccountKey, ParsesTheKeyFile) {
  ASSERT_OK_AND_ASSIGN(ServiceAccountKey key, ParseServiceAccountKey(KeyJson()));
  EXPECT_EQ(key.client_email, kTestClientEmail);
  EXPECT_EQ(key.private_key, kTestPrivateKeyPem);
  EXPECT_EQ(key.private_key_id, kTestPrivateKeyId);
  EXPECT_EQ(key.token_uri, "https://example.test/token");
  EXPECT_EQ(key.project_id, "proj");
  ASSERT_OK_AND_ASSIGN(ServiceAccountKey defaulted,
                       ParseServiceAccountKey(KeyJson("service_account", false)));
  EXPECT_EQ(defaulted.token_uri, "https://oauth2.googleapis.com/token");
}

TEST(ServiceAccountKey, Errors) {
  EXPECT_THAT(ParseServiceAccountKey(KeyJson("authorized_user")),
              StatusIs(absl::StatusCode::kUnimplemented, "authorized_user"));
  EXPECT_THAT(ParseServiceAccountKey("{not json"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseServiceAccountKey("[]"), StatusIs(absl::StatusCode::kInvalidArgument));
  nlohmann::json no_email = nlohmann::json::parse(KeyJson());
  no_email.erase("client_email");
  EXPECT_THAT(ParseServiceAccountKey(no_email.dump()),
              StatusIs(absl::StatusCode::kInvalidArgument, "client_email"));
  nlohmann::json bad_key = nlohmann::json::parse(KeyJson());
  bad_key["private_key"] = "not a pem";
  EXPECT_THAT(ParseServiceAccountKey(bad_key.dump()),
              StatusIs(absl::StatusCode::kInvalidArgument, "private_key"));
}

}  // namespace
}  // namespace charon::objstore::gcs
