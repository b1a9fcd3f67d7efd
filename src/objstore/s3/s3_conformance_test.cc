// The Bucket conformance suite for S3Bucket against s3rver: path-style with ListObjectsV2 and V1,
// virtual-hosted style, anonymous requests, and small listing pages. Buckets are built through
// the objstore YAML, as `charon store` builds them.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "objstore/bucket_config.h"
#include "objstore/bucket_conformance.h"
#include "objstore/s3/s3_bucket.h"
#include "testing/s3_server.h"

namespace charon::objstore {
namespace {

using ::charon::testing::S3Server;

// One s3rver per test binary. Its service endpoint "localhost" makes it answer
// <bucket>.s3.localhost for virtual-hosted-style requests too.
class S3ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto server = S3Server::Start({.service_endpoint = "localhost"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override { server_.reset(); }
  static S3Server* server() { return server_.get(); }

 private:
  static inline std::unique_ptr<S3Server> server_;
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new S3ServerEnvironment);

// A new bucket holding exactly `objects`; its name.
absl::StatusOr<std::string> FreshBucket(const ObjectMap& objects) {
  static std::atomic<int> counter{0};
  S3Server* server = S3ServerEnvironment::server();
  if (server == nullptr) return absl::FailedPreconditionError("s3rver did not start");
  std::string bucket = absl::StrCat("conformance-", ++counter);
  CHARON_RETURN_IF_ERROR(server->CreateBucket(bucket));
  CHARON_RETURN_IF_ERROR(server->PutObjects(bucket, objects));
  return bucket;
}

// `extra` is appended to the provider config (indented two spaces).
BucketConformanceParam YamlParam(std::string name, std::string extra, bool virtual_host = false) {
  return {std::move(name),
          [extra, virtual_host](const ObjectMap& objects,
                                const std::string&) -> absl::StatusOr<std::unique_ptr<Bucket>> {
            CHARON_ASSIGN_OR_RETURN(std::string bucket, FreshBucket(objects));
            const int port = S3ServerEnvironment::server()->port();
            std::string endpoint = virtual_host ? absl::StrCat("s3.localhost:", port)
                                                : absl::StrCat("127.0.0.1:", port);
            std::string yaml =
                absl::StrCat("type: S3\nconfig:\n  bucket: ", bucket, "\n  endpoint: ", endpoint,
                             "\n  insecure: true\n  max_retries: 2\n", extra);
            return NewBucketFromYaml(yaml, "s3-conformance.yml");
          }};
}

// Built from options directly: `tweak` adjusts path-style, V2, signed defaults.
BucketConformanceParam OptionsParam(std::string name, std::function<void(S3BucketOptions&)> tweak) {
  return {std::move(name),
          [tweak](const ObjectMap& objects,
                  const std::string&) -> absl::StatusOr<std::unique_ptr<Bucket>> {
            CHARON_ASSIGN_OR_RETURN(std::string bucket, FreshBucket(objects));
            S3BucketOptions options;
            options.config.bucket = bucket;
            options.config.endpoint = S3ServerEnvironment::server()->endpoint();
            options.config.insecure = true;
            options.config.bucket_lookup_type = s3::BucketLookup::kPath;
            options.config.max_retries = 2;
            options.credentials = {S3Server::kAccessKey, S3Server::kSecretKey, ""};
            tweak(options);
            CHARON_ASSIGN_OR_RETURN(std::unique_ptr<S3Bucket> b, S3Bucket::Open(options));
            return std::unique_ptr<Bucket>(std::move(b));
          }};
}

const char kKeys[] = "  access_key: S3RVER\n  secret_key: S3RVER\n";

INSTANTIATE_TEST_SUITE_P(
    S3, BucketConformanceTest,
    ::testing::Values(
        YamlParam("PathV2", absl::StrCat(kKeys, "  bucket_lookup_type: path\n")),
        YamlParam("PathV1", absl::StrCat(kKeys, "  bucket_lookup_type: path\n",
                                         "  list_objects_version: v1\n")),
        YamlParam("VirtualHosted", absl::StrCat(kKeys, "  bucket_lookup_type: virtual-hosted\n"),
                  /*virtual_host=*/true),
        // Auto lookup picks path style for an IP endpoint; no credentials: unsigned requests.
        OptionsParam("AnonymousAutoLookup",
                     [](S3BucketOptions& o) {
                       o.config.bucket_lookup_type = s3::BucketLookup::kAuto;
                       o.credentials = {};
                     }),
        // Two entries per page: every listing crosses pages (V1 markers).
        OptionsParam("SmallPagesV1",
                     [](S3BucketOptions& o) {
                       o.config.list_objects_version = "v1";
                       o.list_page_size = 2;
                     })),
    BucketConformanceParamName);

}  // namespace
}  // namespace charon::objstore
