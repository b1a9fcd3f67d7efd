#include "objstore/gcs/gcs_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "config/config_error_case.h"
#include "objstore/bucket_config.h"
#include "objstore/gcs/gcs_bucket.h"
#include "objstore/gcs/test_key.h"
#include "testing/status_matchers.h"

namespace charon::objstore::gcs {
namespace {

using ::charon::testing::StatusIs;

absl::StatusOr<GcsConfig> Parse(const std::string& yaml) {
  return config::ParseConfigYaml(ParseGcsConfig, yaml);
}

// The key file as a YAML block scalar, the way Thanos configs carry it, with every line indented
// by `indent`.
std::string ServiceAccountYaml(const std::string& type = "service_account",
                               const std::string& indent = "") {
  nlohmann::json j = {{"type", type},
                      {"project_id", "proj"},
                      {"private_key_id", kTestPrivateKeyId},
                      {"private_key", kTestPrivateKeyPem},
                      {"client_email", kTestClientEmail}};
  std::string out = indent + "service_account: |-\n";
  for (absl::string_view line : absl::StrSplit(j.dump(2), '\n')) {
    absl::StrAppend(&out, indent, "  ", line, "\n");
  }
  return out;
}

TEST(GcsConfig, KeysAndDefaults) {
  ASSERT_OK_AND_ASSIGN(GcsConfig c, Parse("bucket: thanos\n" + ServiceAccountYaml() +
                                          "grpc_conn_pool_size: 4\nchunk_size_bytes: 1024\n"
                                          "http_config: {idle_conn_timeout: 30s}\n"));
  EXPECT_EQ(c.bucket, "thanos");
  EXPECT_THAT(c.service_account, ::testing::HasSubstr(kTestClientEmail));
  EXPECT_FALSE(c.use_grpc);
  EXPECT_EQ(c.grpc_conn_pool_size, 4);
  EXPECT_EQ(c.chunk_size_bytes, 1024);
  EXPECT_EQ(c.http_config.idle_conn_timeout, absl::Seconds(30));
  http::RetryPolicy retry = RetryPolicyOf(c);
  EXPECT_EQ(retry.max_attempts, 4);
  EXPECT_EQ(retry.initial_backoff, absl::Seconds(1));
  EXPECT_EQ(retry.max_backoff, absl::Seconds(30));
}

TEST(GcsConfig, MaxRetriesIsTotalAttempts) {
  ASSERT_OK_AND_ASSIGN(GcsConfig one, Parse("bucket: b\nmax_retries: 1\n"));
  EXPECT_EQ(RetryPolicyOf(one).max_attempts, 1);
  ASSERT_OK_AND_ASSIGN(GcsConfig five, Parse("bucket: b\nmax_retries: 5\nuse_grpc: false\n"));
  EXPECT_EQ(RetryPolicyOf(five).max_attempts, 5);
}

TEST(GcsConfig, ErrorsNameTheKey) {
  const std::vector<config::ConfigErrorCase> cases = {
      {"bucket: b\nregion: x\n", "region"},
      {"service_account: \"\"\n", "config.bucket"},
      {"bucket: b\nuse_grpc: true\n", "config.use_grpc", absl::StatusCode::kUnimplemented},
      {"bucket: b\nuse_grpc: perhaps\n", "use_grpc"},
      {"bucket: b\nmax_retries: -1\n", "config.max_retries"},
      {"bucket: b\nchunk_size_bytes: x\n", "chunk_size_bytes"},
      {"bucket: b\nservice_account: \"{nope\"\n", "config.service_account"},
      {"bucket: b\n" + ServiceAccountYaml("authorized_user"), "authorized_user",
       absl::StatusCode::kUnimplemented},
      {"bucket: b\nhttp_config: {nope: 1}\n", "nope"},
      {"bucket: b\nno_auth: true\n", "no_auth"},
  };
  config::ExpectConfigErrors(Parse, cases, "objstore.yml");
}

TEST(GcsConfig, EmulatorBaseUrl) {
  EXPECT_EQ(EmulatorBaseUrl("localhost:9023"), "http://localhost:9023");
  EXPECT_EQ(EmulatorBaseUrl("http://127.0.0.1:4443/"), "http://127.0.0.1:4443");
  EXPECT_EQ(EmulatorBaseUrl("https://gcs.test"), "https://gcs.test");
}

TEST(GcsConfig, ObjstoreYaml) {
  // With a service account the bucket is built without any request.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Bucket> bucket,
                       NewBucketFromYaml("type: GCS\nconfig:\n  bucket: thanos\n" +
                                             ServiceAccountYaml("service_account", "  "),
                                         "objstore.yml"));
  EXPECT_EQ(bucket->Name(), "GCS:thanos");
}

TEST(GcsConfig, WithoutServiceAccountNeedsTheEmulator) {
  ASSERT_OK_AND_ASSIGN(GcsConfig c, Parse("bucket: thanos\n"));
  EXPECT_THAT(NewGcsBucket(c, ""), StatusIs(absl::StatusCode::kUnimplemented, "service_account"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Bucket> emulated, NewGcsBucket(c, "127.0.0.1:1"));
  EXPECT_EQ(emulated->Name(), "GCS:thanos");
  ::unsetenv("STORAGE_EMULATOR_HOST");
  EXPECT_THAT(NewBucketFromYaml("type: GCS\nconfig:\n  bucket: thanos\n", "objstore.yml"),
              StatusIs(absl::StatusCode::kUnimplemented, "objstore.yml"));
}

}  // namespace
}  // namespace charon::objstore::gcs
