// The Azure bucket against the azurite emulator: the shared conformance suite (through the objstore
// YAML with a connection string, and with a two-entry page size to exercise NextMarker), plus the
// Azure-specific status codes.
#include "objstore/azure/azure_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "objstore/bucket_config.h"
#include "objstore/bucket_conformance.h"
#include "testing/azurite_server.h"
#include "testing/status_matchers.h"

namespace charon::objstore {
namespace {

using ::charon::testing::AzuriteServer;
using ::charon::testing::StatusIs;

// One emulator per test binary, started on first use and stopped when the tests end; every
// bucket gets its own container.
class AzuriteEnvironment : public ::testing::Environment {
 public:
  static AzuriteServer& Get() {
    if (server_ == nullptr) {
      absl::StatusOr<std::unique_ptr<AzuriteServer>> s = AzuriteServer::Start();
      if (!s.ok()) {
        std::cerr << "cannot start azurite: " << s.status() << "\n";
        std::abort();
      }
      server_ = *std::move(s);
    }
    return *server_;
  }
  void TearDown() override { server_.reset(); }

 private:
  static inline std::unique_ptr<AzuriteServer> server_;
};

[[maybe_unused]] ::testing::Environment* const kAzuriteEnvironment =
    ::testing::AddGlobalTestEnvironment(new AzuriteEnvironment);

AzuriteServer& Azurite() { return AzuriteEnvironment::Get(); }

std::string NewContainer() {
  static std::atomic<int> next{0};
  std::string name = absl::StrCat("conformance-", next.fetch_add(1));
  absl::Status s = Azurite().CreateContainer(name);
  EXPECT_TRUE(s.ok()) << s;
  return name;
}

absl::Status Fill(const std::string& container, const ObjectMap& objects) {
  for (const auto& [name, data] : objects) {
    absl::Status s = Azurite().PutBlob(container, name, data);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string YamlFor(const std::string& container, const std::string& connection_string) {
  return absl::StrCat("type: AZURE\nconfig:\n  storage_account: ", AzuriteServer::kAccount,
                      "\n  container: ", container, "\n  storage_connection_string: \"",
                      connection_string, "\"\n  max_retries: 1\n");
}

absl::StatusOr<std::unique_ptr<Bucket>> MakeFromYaml(const ObjectMap& objects, const std::string&) {
  std::string container = NewContainer();
  absl::Status s = Fill(container, objects);
  if (!s.ok()) return s;
  return NewBucketFromYaml(YamlFor(container, Azurite().ConnectionString()), "objstore.yml");
}

azure::AzureBucketOptions OptionsFor(const std::string& container) {
  azure::AzureBucketOptions o;
  o.container = container;
  o.container_url = absl::StrCat(Azurite().BlobEndpoint(), "/", container);
  o.account = AzuriteServer::kAccount;
  o.account_key = AzuriteServer::kAccountKey;
  o.retry.max_attempts = 2;
  return o;
}

absl::StatusOr<std::unique_ptr<Bucket>> MakeSmallPages(const ObjectMap& objects,
                                                       const std::string&) {
  std::string container = NewContainer();
  absl::Status s = Fill(container, objects);
  if (!s.ok()) return s;
  azure::AzureBucketOptions o = OptionsFor(container);
  o.list_page_size = 2;
  absl::StatusOr<std::unique_ptr<azure::AzureBucket>> b = azure::AzureBucket::Open(std::move(o));
  if (!b.ok()) return b.status();
  return std::unique_ptr<Bucket>(*std::move(b));
}

INSTANTIATE_TEST_SUITE_P(Azure, BucketConformanceTest,
                         ::testing::Values(BucketConformanceParam{"Yaml", MakeFromYaml},
                                           BucketConformanceParam{"PageSize2", MakeSmallPages}),
                         BucketConformanceParamName);

TEST(AzureBucket, NameAndNotFoundMessagesNameContainerAndBlob) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Bucket> bucket, MakeFromYaml({{"a/b", "x"}}, ""));
  EXPECT_THAT(bucket->Name(), ::testing::MatchesRegex("AZURE:devstoreaccount1/conformance-[0-9]+"));
  absl::StatusOr<std::string> got = bucket->Get("a/missing");
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kNotFound, "a/missing"));
  EXPECT_THAT(got, StatusIs(absl::StatusCode::kNotFound, "conformance-"));
}

TEST(AzureBucket, MissingContainer) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<azure::AzureBucket> bucket,
                       azure::AzureBucket::Open(OptionsFor("no-such-container")));
  EXPECT_THAT(ListAll(*bucket, "", false),
              StatusIs(absl::StatusCode::kNotFound, "no-such-container"));
  EXPECT_THAT(bucket->Get("x"), StatusIs(absl::StatusCode::kNotFound));
  // Not "false": the blob may exist once the container is right.
  EXPECT_THAT(bucket->Exists("x"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(AzureBucket, WrongKeyIsPermissionDenied) {
  std::string container = NewContainer();
  ASSERT_OK(Azurite().PutBlob(container, "obj", "data"));
  azure::AzureBucketOptions o = OptionsFor(container);
  o.account_key = "d3Jvbmcga2V5IGJ1dCB2YWxpZCBiYXNlNjQ=";  // base64("wrong key but valid base64")
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<azure::AzureBucket> bucket,
                       azure::AzureBucket::Open(std::move(o)));
  EXPECT_THAT(bucket->Get("obj"), StatusIs(absl::StatusCode::kPermissionDenied, container));
  EXPECT_THAT(ListAll(*bucket, "", true), StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace charon::objstore
