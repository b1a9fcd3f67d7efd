#include "objstore/s3/s3_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "config/config_error_case.h"
#include "objstore/bucket_config.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore::s3 {
namespace {

using ::charon::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<S3Config> Parse(const std::string& yaml) {
  return config::ParseConfigYaml(ParseS3Config, yaml, "config", "bucket.yml");
}

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

TEST(ParseS3Config, MinimalConfigGetsThanosDefaults) {
  ASSERT_OK_AND_ASSIGN(S3Config c, Parse("bucket: b\nendpoint: s3.example.com\n"));
  EXPECT_EQ(c.bucket, "b");
  EXPECT_EQ(c.endpoint, "s3.example.com");
  EXPECT_EQ(c.region, "");
  EXPECT_FALSE(c.insecure);
  EXPECT_EQ(c.bucket_lookup_type, BucketLookup::kAuto);
  EXPECT_EQ(c.list_objects_version, "");
  EXPECT_TRUE(c.send_content_md5);
  EXPECT_EQ(c.part_size, 64 * 1024 * 1024);
  EXPECT_EQ(c.max_retries, 0);
  EXPECT_EQ(c.http_config.response_header_timeout, absl::Minutes(2));
  EXPECT_EQ(c.sse_config.type, "");
}

TEST(ParseS3Config, ReadsEveryKey) {
  ASSERT_OK_AND_ASSIGN(S3Config c, Parse(R"(
bucket: thanos
endpoint: minio.internal:9000
region: eu-central-1
disable_dualstack: true
aws_sdk_auth: false
access_key: AK
secret_key: SK
session_token: TOKEN
insecure: true
signature_version2: false
put_user_metadata: {X-Amz-Storage-Class: STANDARD_IA, team: obs}
http_config:
  idle_conn_timeout: 1m
  tls_config: {insecure_skip_verify: true}
trace: {enable: true}
list_objects_version: v1
bucket_lookup_type: virtual-hosted
send_content_md5: false
disable_multipart: true
part_size: 134217728
sse_config:
  type: SSE-KMS
  kms_key_id: key-1
  kms_encryption_context: {a: b}
  encryption_key: ""
sts_endpoint: https://sts.example.com
max_retries: 3
)"));
  EXPECT_EQ(c.bucket, "thanos");
  EXPECT_EQ(c.endpoint, "minio.internal:9000");
  EXPECT_EQ(c.region, "eu-central-1");
  EXPECT_TRUE(c.disable_dualstack);
  EXPECT_EQ(c.access_key, "AK");
  EXPECT_EQ(c.secret_key, "SK");
  EXPECT_EQ(c.session_token, "TOKEN");
  EXPECT_TRUE(c.insecure);
  EXPECT_EQ(c.put_user_metadata.at("team"), "obs");
  EXPECT_EQ(c.http_config.idle_conn_timeout, absl::Minutes(1));
  EXPECT_TRUE(c.http_config.tls_config.insecure_skip_verify);
  EXPECT_TRUE(c.trace_enable);
  EXPECT_EQ(c.list_objects_version, "v1");
  EXPECT_EQ(c.bucket_lookup_type, BucketLookup::kVirtualHosted);
  EXPECT_FALSE(c.send_content_md5);
  EXPECT_TRUE(c.disable_multipart);
  EXPECT_EQ(c.part_size, 134217728);
  EXPECT_EQ(c.sse_config.type, "SSE-KMS");
  EXPECT_EQ(c.sse_config.kms_key_id, "key-1");
  EXPECT_EQ(c.sse_config.kms_encryption_context.at("a"), "b");
  EXPECT_EQ(c.sts_endpoint, "https://sts.example.com");
  EXPECT_EQ(c.max_retries, 3);
}

TEST(ParseS3Config, BucketLookupValues) {
  for (auto [text, want] : {std::pair<std::string, BucketLookup>{"auto", BucketLookup::kAuto},
                            {"path", BucketLookup::kPath},
                            {"virtual-hosted", BucketLookup::kVirtualHosted}}) {
    ASSERT_OK_AND_ASSIGN(S3Config c,
                         Parse("bucket: b\nendpoint: e\nbucket_lookup_type: " + text + "\n"));
    EXPECT_EQ(c.bucket_lookup_type, want) << text;
  }
}

TEST(ParseS3Config, ErrorsNameTheKey) {
  const std::string base = "bucket: b\nendpoint: e\n";
  const std::vector<config::ConfigErrorCase> cases = {
      {base + "endpiont: x", "endpiont"},
      {"bucket: b\n", "config.endpoint is required"},
      {"endpoint: e\n", "config.bucket is required"},
      {base + "signature_version2: true", "config.signature_version2 is not supported"},
      {base + "list_objects_version: v3", "config.list_objects_version"},
      {base + "bucket_lookup_type: dns", "config.bucket_lookup_type"},
      {base + "access_key: AK", "config.secret_key is missing"},
      {base + "secret_key: SK", "config.access_key is missing"},
      {base + "aws_sdk_auth: true\naccess_key: AK\nsecret_key: SK", "config.aws_sdk_auth"},
      {base + "sse_config: {type: SSE-X}", "config.sse_config.type"},
      {base + "sse_config: {type: SSE-C}", "config.sse_config.encryption_key"},
      {base + "sse_config: {type: SSE-KMS}", "config.sse_config.kms_key_id"},
      {base + "sse_config: {kms_key: x}", "kms_key"},
      {base + "trace: {enabled: true}", "enabled"},
      {base + "http_config: {idle_timeout: 1s}", "idle_timeout"},
      {base + "insecure: perhaps", "config.insecure"},
      {base + "max_retries: -1", "config.max_retries"},
      {base + "part_size: big", "config.part_size"},
      {"bucket: b\nendpoint: https://s3.example.com\n", "config.endpoint"},
      {"bucket: b\nendpoint: s3.example.com/path\n", "config.endpoint"},
      {"bucket: b\nendpoint: s3.example.com:port\n", "config.endpoint"},
  };
  config::ExpectConfigErrors(Parse, cases, "bucket.yml");
}

TEST(ResolveCredentials, ConfigKeysComeFirst) {
  S3Config c;
  c.access_key = "AK";
  c.secret_key = "SK";
  c.session_token = "T";
  ASSERT_OK_AND_ASSIGN(Credentials got,
                       ResolveCredentials(c, Env({{"AWS_ACCESS_KEY_ID", "ENV"},
                                                  {"AWS_SECRET_ACCESS_KEY", "ENVS"}})));
  EXPECT_EQ(got.access_key, "AK");
  EXPECT_EQ(got.secret_key, "SK");
  EXPECT_EQ(got.session_token, "T");
}

TEST(ResolveCredentials, EnvironmentWhenTheConfigHasNone) {
  ASSERT_OK_AND_ASSIGN(Credentials got,
                       ResolveCredentials(S3Config{}, Env({{"AWS_ACCESS_KEY_ID", "EAK"},
                                                           {"AWS_SECRET_ACCESS_KEY", "ESK"},
                                                           {"AWS_SESSION_TOKEN", "ET"}})));
  EXPECT_EQ(got.access_key, "EAK");
  EXPECT_EQ(got.secret_key, "ESK");
  EXPECT_EQ(got.session_token, "ET");
  ASSERT_OK_AND_ASSIGN(
      Credentials legacy,
      ResolveCredentials(S3Config{}, Env({{"AWS_ACCESS_KEY", "L1"}, {"AWS_SECRET_KEY", "L2"}})));
  EXPECT_EQ(legacy.access_key, "L1");
  EXPECT_EQ(legacy.secret_key, "L2");
}

TEST(ResolveCredentials, SharedCredentialsFileProfile) {
  ASSERT_OK_AND_ASSIGN(auto dir, ::charon::testing::TempDir::Create("creds"));
  const std::string file = dir.Path("credentials");
  ASSERT_OK(::charon::testing::WriteFile(file, R"(# comment
[default]
aws_access_key_id = DAK
aws_secret_access_key = DSK

[prod]
aws_access_key_id=PAK
aws_secret_access_key=PSK
aws_session_token = PT
)"));
  ASSERT_OK_AND_ASSIGN(
      Credentials def,
      ResolveCredentials(S3Config{}, Env({{"AWS_SHARED_CREDENTIALS_FILE", file}})));
  EXPECT_EQ(def.access_key, "DAK");
  EXPECT_EQ(def.secret_key, "DSK");
  ASSERT_OK_AND_ASSIGN(Credentials prod,
                       ResolveCredentials(S3Config{}, Env({{"AWS_SHARED_CREDENTIALS_FILE", file},
                                                           {"AWS_PROFILE", "prod"}})));
  EXPECT_EQ(prod.access_key, "PAK");
  EXPECT_EQ(prod.session_token, "PT");
  ASSERT_OK_AND_ASSIGN(Credentials home,
                       ResolveCredentials(S3Config{}, Env({{"HOME", dir.path()}})));
  EXPECT_TRUE(home.anonymous());  // no $HOME/.aws/credentials there

  ASSERT_OK(::charon::testing::WriteFile(file, "[default]\naws_access_key_id = only\n"));
  EXPECT_THAT(ResolveCredentials(S3Config{}, Env({{"AWS_SHARED_CREDENTIALS_FILE", file}})),
              StatusIs(absl::StatusCode::kInvalidArgument, "aws_secret_access_key"));
}

TEST(ResolveCredentials, NothingMeansAnonymous) {
  ASSERT_OK_AND_ASSIGN(Credentials got, ResolveCredentials(S3Config{}, Env({})));
  EXPECT_TRUE(got.anonymous());
}

TEST(StaticRegion, ConfigThenEnvironmentThenEndpoint) {
  S3Config c;
  c.endpoint = "s3.eu-west-3.amazonaws.com";
  EXPECT_EQ(StaticRegion(c, Env({{"AWS_REGION", "ap-south-1"}})), "ap-south-1");
  EXPECT_EQ(StaticRegion(c, Env({})), "eu-west-3");
  c.region = "us-west-2";
  EXPECT_EQ(StaticRegion(c, Env({{"AWS_REGION", "ap-south-1"}})), "us-west-2");
  S3Config global;
  global.endpoint = "s3.amazonaws.com";
  EXPECT_EQ(StaticRegion(global, Env({})), std::nullopt);
  S3Config minio;
  minio.endpoint = "127.0.0.1:9000";
  EXPECT_EQ(StaticRegion(minio, Env({})), std::nullopt);
}

TEST(NewBucketFromYaml, BuildsAnS3Bucket) {
  ASSERT_OK_AND_ASSIGN(auto bucket,
                       NewBucketFromYaml("type: s3\nconfig:\n  bucket: blocks\n  endpoint: "
                                         "127.0.0.1:9\n  insecure: true\n",
                                         "objstore.yml"));
  EXPECT_EQ(bucket->Name(), "S3:blocks");
  EXPECT_THAT(NewBucketFromYaml("type: S3\nconfig:\n  bucket: b\n  endpoint: e\n  region: [x]\n",
                                "objstore.yml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "config.region"));
}

}  // namespace
}  // namespace charon::objstore::s3
