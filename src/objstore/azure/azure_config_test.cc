#include "objstore/azure/azure_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_error_case.h"
#include "objstore/bucket_config.h"
#include "testing/status_matchers.h"

namespace charon::objstore::azure {
namespace {

using ::charon::testing::StatusIs;

constexpr char kKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

absl::StatusOr<AzureConfig> Parse(const std::string& yaml) {
  return config::ParseConfigYaml(ParseAzureConfig, yaml);
}

std::string WithKey(const std::string& extra = "") {
  return std::string("storage_account: acct\ncontainer: thanos\nstorage_account_key: ") + kKey +
         "\n" + extra;
}

TEST(AzureConfig, DefaultsWithAccountKey) {
  ASSERT_OK_AND_ASSIGN(AzureConfig c, Parse(WithKey()));
  EXPECT_EQ(c.storage_account, "acct");
  EXPECT_EQ(c.container, "thanos");
  EXPECT_EQ(c.endpoint, "blob.core.windows.net");
  EXPECT_TRUE(c.storage_create_container);
  EXPECT_EQ(c.max_tries, 0);
  EXPECT_EQ(c.max_retry_requests, 0);
  EXPECT_EQ(c.http_config.idle_conn_timeout, absl::Seconds(90));
  http::RetryPolicy retry = RetryPolicyOf(c);
  EXPECT_EQ(retry.max_attempts, 4);  // the Azure SDK's 3 retries
  EXPECT_EQ(retry.initial_backoff, absl::Milliseconds(800));
  EXPECT_EQ(retry.max_backoff, absl::Seconds(60));

  ASSERT_OK_AND_ASSIGN(AzureTarget t, ResolveTarget(c));
  EXPECT_EQ(t.container_url, "https://acct.blob.core.windows.net/thanos");
  EXPECT_EQ(t.account, "acct");
  EXPECT_EQ(t.account_key, kKey);
}

TEST(AzureConfig, EndpointAndRetrySettings) {
  ASSERT_OK_AND_ASSIGN(
      AzureConfig c,
      Parse(WithKey("endpoint: blob.core.chinacloudapi.cn\nmax_retries: 5\n"
                    "pipeline_config: {try_timeout: 30s, retry_delay: 1s, max_retry_delay: 10s}\n"
                    "http_config: {idle_conn_timeout: 1m}\nmsi_resource: ignored\n")));
  EXPECT_EQ(c.max_tries, 5);  // from max_retries
  EXPECT_EQ(c.max_retry_requests, 5);
  EXPECT_EQ(c.try_timeout, absl::Seconds(30));
  EXPECT_EQ(c.http_config.idle_conn_timeout, absl::Minutes(1));
  http::RetryPolicy retry = RetryPolicyOf(c);
  EXPECT_EQ(retry.max_attempts, 6);
  EXPECT_EQ(retry.initial_backoff, absl::Seconds(1));
  EXPECT_EQ(retry.max_backoff, absl::Seconds(10));
  ASSERT_OK_AND_ASSIGN(AzureTarget t, ResolveTarget(c));
  EXPECT_EQ(t.container_url, "https://acct.blob.core.chinacloudapi.cn/thanos");
}

TEST(AzureConfig, SpecificRetrySettingsWinOverMaxRetries) {
  ASSERT_OK_AND_ASSIGN(AzureConfig c,
                       Parse(WithKey("max_retries: 5\npipeline_config: {max_tries: 2}\n"
                                     "reader_config: {max_retry_requests: 7}\n")));
  EXPECT_EQ(c.max_tries, 2);
  EXPECT_EQ(c.max_retry_requests, 7);
  EXPECT_EQ(RetryPolicyOf(c).max_attempts, 3);
}

TEST(AzureConfig, ConnectionStringWithBlobEndpoint) {
  ASSERT_OK_AND_ASSIGN(
      AzureConfig c, Parse(std::string("storage_account: devstoreaccount1\ncontainer: thanos\n"
                                       "storage_connection_string: \"DefaultEndpointsProtocol=http;"
                                       "AccountName=devstoreaccount1;AccountKey=") +
                           kKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\"\n"));
  ASSERT_OK_AND_ASSIGN(AzureTarget t, ResolveTarget(c));
  EXPECT_EQ(t.container_url, "http://127.0.0.1:10000/devstoreaccount1/thanos");
  EXPECT_EQ(t.account, "devstoreaccount1");
  EXPECT_EQ(t.account_key, kKey);
}

TEST(AzureConfig, ConnectionStringWithoutBlobEndpoint) {
  ASSERT_OK_AND_ASSIGN(
      AzureConfig c,
      Parse(std::string("storage_account: ignored\ncontainer: thanos\n"
                        "storage_connection_string: \"DefaultEndpointsProtocol=https;"
                        "AccountName=other;AccountKey=") +
            kKey + ";EndpointSuffix=core.usgovcloudapi.net\"\n"));
  ASSERT_OK_AND_ASSIGN(AzureTarget t, ResolveTarget(c));
  EXPECT_EQ(t.container_url, "https://other.blob.core.usgovcloudapi.net/thanos");
  EXPECT_EQ(t.account, "other");
}

TEST(ConnectionString, DevelopmentStorageAndErrors) {
  ASSERT_OK_AND_ASSIGN(ConnectionString dev, ParseConnectionString("UseDevelopmentStorage=true"));
  EXPECT_EQ(dev.blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(dev.account_name, "devstoreaccount1");
  EXPECT_EQ(dev.account_key, kKey);
  EXPECT_THAT(ParseConnectionString("AccountName"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseConnectionString(";;"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseConnectionString("DefaultEndpointsProtocol=ftp;AccountName=a"),
              StatusIs(absl::StatusCode::kInvalidArgument, "ftp"));
}

TEST(AzureConfig, ErrorsNameTheKey) {
  const std::string key = std::string("storage_account_key: ") + kKey + "\n";
  const std::vector<config::ConfigErrorCase> cases = {
      {WithKey("bucket: x\n"), "bucket"},
      {"container: c\n" + key, "config.storage_account"},
      {"storage_account: a\n" + key, "config.container"},
      {WithKey("storage_connection_string: \"AccountName=a;AccountKey=x\"\n"),
       "storage_connection_string"},
      {WithKey("user_assigned_id: 1234\n"), "user_assigned_id"},
      {"storage_account: a\ncontainer: c\nuser_assigned_id: 1234\n", "config.user_assigned_id",
       absl::StatusCode::kUnimplemented},
      {"storage_account: a\ncontainer: c\n", "config.storage_account_key",
       absl::StatusCode::kUnimplemented},
      {WithKey("client_id: x\nclient_secret: y\naz_tenant_id: z\n"), "az_tenant_id",
       absl::StatusCode::kUnimplemented},
      {"storage_account: a\ncontainer: c\nstorage_account_key: \"not base64!\"\n",
       "config.storage_account_key"},
      {"storage_account: a\ncontainer: c\n"
       "storage_connection_string: \"BlobEndpoint=http://x;SharedAccessSignature=sv=1&sig=2\"\n",
       "storage_connection_string", absl::StatusCode::kUnimplemented},
      {"storage_account: a\ncontainer: c\nstorage_connection_string: \"garbage\"\n",
       "config.storage_connection_string"},
      {WithKey("max_retries: -1\n"), "max_retries"},
      {WithKey("pipeline_config: {max_tries: -1}\n"), "config.pipeline_config.max_tries"},
      {WithKey("pipeline_config: {retries: 1}\n"), "retries"},
      {WithKey("pipeline_config: {try_timeout: soon}\n"), "try_timeout"},
      {WithKey("reader_config: {max_retry_requests: -2}\n"),
       "config.reader_config.max_retry_requests"},
      {WithKey("http_config: {bogus: 1}\n"), "bogus"},
      {WithKey("storage_create_container: maybe\n"), "storage_create_container"},
  };
  config::ExpectConfigErrors(Parse, cases, "objstore.yml");
}

TEST(AzureConfig, ObjstoreYamlBuildsTheBucket) {
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Bucket> bucket,
      NewBucketFromYaml(std::string("type: AZURE\nconfig:\n  storage_account: acct\n"
                                    "  container: thanos\n  storage_account_key: ") +
                            kKey + "\n",
                        "objstore.yml"));
  EXPECT_EQ(bucket->Name(), "AZURE:acct/thanos");
  EXPECT_THAT(NewBucketFromYaml("type: azure\nconfig:\n  storage_account: acct\n  container: c\n",
                                "objstore.yml"),
              StatusIs(absl::StatusCode::kUnimplemented, "storage_account_key"));
}

}  // namespace
}  // namespace charon::objstore::azure
