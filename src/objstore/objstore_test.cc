#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <map>

#include "objstore/bucket_config.h"
#include "objstore/bucket_conformance.h"
#include "objstore/counting_bucket.h"
#include "objstore/error_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "objstore/object_name.h"
#include "objstore/prefixed_bucket.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore {
namespace {

using ::charon::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::unique_ptr<Bucket>> MakeFilesystem(const ObjectMap& objects,
                                                       const std::string& scratch) {
  absl::Status s = WriteObjects(scratch + "/root", objects);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<FilesystemBucket>> b = FilesystemBucket::Open(scratch + "/root");
  if (!b.ok()) return b.status();
  return std::unique_ptr<Bucket>(*std::move(b));
}

// The objects live under tenant/a/ of a filesystem bucket, next to decoys that share the prefix's
// leading bytes and must stay invisible.
absl::StatusOr<std::unique_ptr<Bucket>> MakePrefixed(const ObjectMap& objects,
                                                     const std::string& scratch) {
  ObjectMap inner = {{"tenant/a.tmp", "decoy"}, {"tenant/ab/x", "decoy"}, {"other", "decoy"}};
  for (const auto& [name, data] : objects) inner["tenant/a/" + name] = data;
  absl::StatusOr<std::unique_ptr<Bucket>> fs = MakeFilesystem(inner, scratch);
  if (!fs.ok()) return fs.status();
  return PrefixedBucket::Wrap(*std::move(fs), "/tenant/a/");
}

// Decorators must be transparent when no rule fires.
absl::StatusOr<std::unique_ptr<Bucket>> MakeCountingOverError(const ObjectMap& objects,
                                                              const std::string& scratch) {
  absl::StatusOr<std::unique_ptr<Bucket>> fs = MakeFilesystem(objects, scratch);
  if (!fs.ok()) return fs.status();
  auto errors = std::make_unique<ErrorBucket>(*std::move(fs));
  errors->FailOp(BucketOp::kGet, "never-matches", absl::UnavailableError("x"));
  return std::unique_ptr<Bucket>(std::make_unique<CountingBucket>(std::move(errors)));
}

INSTANTIATE_TEST_SUITE_P(Buckets, BucketConformanceTest,
                         ::testing::Values(BucketConformanceParam{"Filesystem", MakeFilesystem},
                                           BucketConformanceParam{"PrefixedFilesystem",
                                                                  MakePrefixed},
                                           BucketConformanceParam{"CountingOverErrorOverFilesystem",
                                                                  MakeCountingOverError}),
                         BucketConformanceParamName);

TEST(ObjectName, ValidAndInvalid) {
  for (std::string ok : {"a", "a/b", "01AAA/chunks/000001", "a.b/..c", "with space", "..."}) {
    SCOPED_TRACE(ok);
    EXPECT_OK(ValidateObjectName(ok));
  }
  for (std::string bad : std::vector<std::string>{"", "/a", "a/", "a//b", ".", "..", "a/./b",
                                                  "a/../b", std::string("a\0b", 3)}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ValidateObjectName(bad),
                ::charon::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  }
  std::string dir = "unset";
  ASSERT_OK(NormalizeDir("", &dir));
  EXPECT_EQ(dir, "");
  ASSERT_OK(NormalizeDir("/", &dir));
  EXPECT_EQ(dir, "");
  ASSERT_OK(NormalizeDir("a/b", &dir));
  EXPECT_EQ(dir, "a/b/");
  ASSERT_OK(NormalizeDir("a/b/", &dir));
  EXPECT_EQ(dir, "a/b/");
  EXPECT_FALSE(NormalizeDir("a//", &dir).ok());
}

TEST(FilesystemBucket, OpenNeedsADirectoryNameButNotAnExistingDirectory) {
  EXPECT_THAT(FilesystemBucket::Open(""),
              ::charon::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  ASSERT_OK_AND_ASSIGN(auto bucket, FilesystemBucket::Open(dir.Path("not-yet/")));
  EXPECT_EQ(bucket->Name(), "FILESYSTEM:" + dir.Path("not-yet"));
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", true));
  EXPECT_TRUE(names.empty());
  EXPECT_THAT(bucket->Get("x"), ::charon::testing::StatusIs(absl::StatusCode::kNotFound));
}

TEST(FilesystemBucket, EmptyDirectoriesAreListedLikeThanos) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  std::filesystem::create_directories(dir.Path("b/empty"));
  ASSERT_OK(::charon::testing::WriteFile(dir.Path("a"), "1"));
  ASSERT_OK_AND_ASSIGN(auto bucket, FilesystemBucket::Open(dir.path()));
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", false));
  EXPECT_THAT(names, ElementsAre("a", "b/"));
  ASSERT_OK_AND_ASSIGN(auto deep, ListAll(*bucket, "", true));
  EXPECT_THAT(deep, ElementsAre("a"));
}

TEST(FilesystemBucket, RelativeRootIsMadeAbsolute) {
  ASSERT_OK_AND_ASSIGN(auto bucket, FilesystemBucket::Open("some/rel/dir"));
  EXPECT_EQ(bucket->root().front(), '/');
  EXPECT_TRUE(bucket->root().ends_with("/some/rel/dir"));
}

TEST(PrefixedBucket, EmptyPrefixReturnsInnerAndBadPrefixFails) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  ASSERT_OK_AND_ASSIGN(auto fs, FilesystemBucket::Open(dir.path()));
  Bucket* raw = fs.get();
  ASSERT_OK_AND_ASSIGN(auto same, PrefixedBucket::Wrap(std::move(fs), "//"));
  EXPECT_EQ(same.get(), raw);
  EXPECT_THAT(PrefixedBucket::Wrap(std::move(same), "a/../b"),
              ::charon::testing::StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PrefixedBucket, NameShowsPrefix) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  ASSERT_OK_AND_ASSIGN(auto fs, FilesystemBucket::Open(dir.path()));
  ASSERT_OK_AND_ASSIGN(auto b, PrefixedBucket::Wrap(std::move(fs), "t/a"));
  EXPECT_EQ(b->Name(), "FILESYSTEM:" + dir.path() + "/t/a");
}

TEST(CountingBucket, CountsCallsAndBytes) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  ASSERT_OK(WriteObjects(dir.path(), {{"a", "12345"}, {"d/b", "xy"}}));
  ASSERT_OK_AND_ASSIGN(auto fs, FilesystemBucket::Open(dir.path()));
  CountingBucket counting(fs.get());
  EXPECT_OK(counting.Get("a"));
  EXPECT_OK(counting.GetRange("a", 1, 2));
  EXPECT_THAT(counting.Get("missing"), ::charon::testing::StatusIs(absl::StatusCode::kNotFound));
  EXPECT_OK(counting.Exists("a"));
  EXPECT_OK(counting.Attributes("d/b"));
  EXPECT_OK(ListAll(counting, "", false));
  EXPECT_EQ(counting.Count(BucketOp::kGet), 2);
  EXPECT_EQ(counting.Count(BucketOp::kGetRange), 1);
  EXPECT_EQ(counting.Count(BucketOp::kExists), 1);
  EXPECT_EQ(counting.Count(BucketOp::kAttributes), 1);
  EXPECT_EQ(counting.Count(BucketOp::kIter), 1);
  EXPECT_EQ(counting.TotalCalls(), 6);
  EXPECT_EQ(counting.BytesRead(), 7);
  counting.Reset();
  EXPECT_EQ(counting.TotalCalls(), 0);
  EXPECT_EQ(counting.BytesRead(), 0);
}

TEST(ErrorBucket, InjectsErrorsForMatchingCallsOnly) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  ASSERT_OK(WriteObjects(dir.path(), {{"01A/index", "idx"}, {"01A/meta.json", "{}"}}));
  ASSERT_OK_AND_ASSIGN(auto fs, FilesystemBucket::Open(dir.path()));
  ErrorBucket errors(std::move(fs));
  errors.FailOp(BucketOp::kGetRange, "/index", absl::UnavailableError("injected"));
  errors.FailWhen(
      [](BucketOp op, std::string_view name) { return op == BucketOp::kIter && name.empty(); },
      absl::DeadlineExceededError("slow"));
  EXPECT_THAT(errors.GetRange("01A/index", 0, 1),
              ::charon::testing::StatusIs(absl::StatusCode::kUnavailable, "injected"));
  ASSERT_OK_AND_ASSIGN(std::string whole, errors.Get("01A/index"));
  EXPECT_EQ(whole, "idx");
  EXPECT_OK(errors.GetRange("01A/meta.json", 0, 1));
  EXPECT_THAT(ListAll(errors, "", false),
              ::charon::testing::StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_OK(ListAll(errors, "01A", false));
  EXPECT_EQ(errors.InjectedFailures(), 2);
  errors.ClearRules();
  EXPECT_OK(errors.GetRange("01A/index", 0, 1));
}

struct ConfigCase {
  std::string name;
  std::string yaml;
  absl::StatusCode code;
  std::string message;  // substring expected in the error
};

TEST(NewBucketFromYaml, Errors) {
  const ConfigCase cases[] = {
      {"malformed", "type: [FILESYSTEM", absl::StatusCode::kInvalidArgument,
       "objstore.yml: parsing YAML"},
      {"empty", "", absl::StatusCode::kInvalidArgument, "\"type\" is required"},
      {"not a map", "- a\n- b\n", absl::StatusCode::kInvalidArgument, "must be a map"},
      {"unknown top key", "type: FILESYSTEM\nconfig: {directory: /x}\nprefx: a\n",
       absl::StatusCode::kInvalidArgument, "unknown key \"prefx\""},
      {"unknown type", "type: FTP\n", absl::StatusCode::kInvalidArgument, "key \"type\""},
      {"missing type", "config: {directory: /x}\n", absl::StatusCode::kInvalidArgument, "\"type\""},
      {"missing directory", "type: FILESYSTEM\nconfig: {}\n", absl::StatusCode::kInvalidArgument,
       "config.directory"},
      {"no config", "type: FILESYSTEM\n", absl::StatusCode::kInvalidArgument, "config.directory"},
      {"unknown config key", "type: FILESYSTEM\nconfig: {directory: /x, diretory: /y}\n",
       absl::StatusCode::kInvalidArgument, "diretory"},
      {"directory not a string", "type: FILESYSTEM\nconfig: {directory: [a]}\n",
       absl::StatusCode::kInvalidArgument, "config.directory"},
      {"bad prefix", "type: FILESYSTEM\nconfig: {directory: /x}\nprefix: ../up\n",
       absl::StatusCode::kInvalidArgument, "prefix"},
      {"swift", "type: SWIFT\n", absl::StatusCode::kUnimplemented, "not supported"},
  };
  for (const ConfigCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(NewBucketFromYaml(c.yaml, "objstore.yml"),
                ::charon::testing::StatusIs(c.code, c.message));
  }
}

TEST(NewBucketFromYaml, EnabledHedgingRegistersItsCounters) {
  prometheus::Registry registry;
  ASSERT_OK_AND_ASSIGN(
      auto bucket, NewBucketFromYaml(
                       "type: S3\nconfig:\n  bucket: b\n  endpoint: 127.0.0.1:9\n  insecure: true\n"
                       "hedging_config: {enabled: true, up_to: 2, quantile: 0.5}\n",
                       "objstore.yml", &registry));
  std::map<std::string, std::string> buckets;
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    ASSERT_EQ(f.metric.size(), 1u);
    ASSERT_EQ(f.metric[0].label.size(), 1u);
    buckets[f.name] = f.metric[0].label[0].value;
  }
  EXPECT_EQ(buckets, (std::map<std::string, std::string>{
                         {"thanos_objstore_bucket_hedged_request_wins_total", "b"},
                         {"thanos_objstore_bucket_hedged_requests_total", "b"}}));
  EXPECT_THAT(NewBucketFromYaml("type: FILESYSTEM\nconfig: {directory: /tmp}\n"
                                "hedging_config: {up_to: 0}\n",
                                "objstore.yml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "up_to"));
}

TEST(NewBucketFromYaml, FilesystemWithPrefix) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("fs"));
  ASSERT_OK(WriteObjects(dir.path(), {{"tenant/01A/meta.json", "{}"}, {"01B/meta.json", "{}"}}));
  std::string yaml = "type: filesystem\nconfig:\n  directory: " + dir.path() +
                     "\nprefix: /tenant/\nhedging_config: {enabled: false}\n";
  ASSERT_OK_AND_ASSIGN(auto bucket, NewBucketFromYaml(yaml, "objstore.yml"));
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", false));
  EXPECT_THAT(names, ElementsAre("01A/"));
  EXPECT_THAT(bucket->Name(), HasSubstr("FILESYSTEM:"));

  ASSERT_OK_AND_ASSIGN(
      auto plain, NewBucketFromYaml("type: FILESYSTEM\nconfig: {directory: " + dir.path() + "}\n",
                                    "--objstore.config"));
  ASSERT_OK_AND_ASSIGN(auto all, ListAll(*plain, "", false));
  EXPECT_THAT(all, ElementsAre("01B/", "tenant/"));
}

}  // namespace
}  // namespace charon::objstore
