#include "cache/caching_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "cache/lru_cache.h"
#include "cache/metrics_testing.h"
#include "objstore/bucket_conformance.h"
#include "objstore/counting_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cache {
namespace {

using ::charon::testing::StatusIs;
using objstore::BucketOp;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::string Digits(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

class CachingBucketTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(CachingBucketOptions{}); }

  // Fresh bucket, cache and counters. Subranges of 10 bytes keep the arithmetic readable.
  void Build(CachingBucketOptions options) {
    ASSERT_OK_AND_ASSIGN(dir_, ::charon::testing::TempDir::Create("caching"));
    ASSERT_OK(objstore::WriteObjects(dir_->path(), objects_));
    ASSERT_OK_AND_ASSIGN(auto fs, objstore::FilesystemBucket::Open(dir_->path()));
    auto counting = std::make_shared<objstore::CountingBucket>(std::move(fs));
    counting_ = counting.get();
    registry_ = std::make_unique<prometheus::Registry>();
    ASSERT_OK_AND_ASSIGN(auto lru, LruCache::Create("caching-bucket", LruCacheConfig{}, *registry_,
                                                    [this] { return now_; }));
    options.chunk_subrange_size = 10;
    options.iter_config_hash = "42";
    options.now = [this] { return now_; };
    bucket_ = std::make_unique<CachingBucket>(counting, std::move(lru), options, *registry_);
  }

  objstore::ObjectMap objects_ = {{"01AAA/chunks/000001", Digits(100)},
                                  {"01AAA/chunks/000002", Digits(35)},
                                  {"01AAA/index", Digits(50)},
                                  {"01AAA/meta.json", R"({"ulid":"01AAA"})"},
                                  {"01AAB/meta.json", std::string(2000, 'm')},
                                  {"top", "t"}};
  std::optional<::charon::testing::TempDir> dir_;
  objstore::CountingBucket* counting_ = nullptr;
  std::unique_ptr<prometheus::Registry> registry_;
  std::unique_ptr<CachingBucket> bucket_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

constexpr char kChunk[] = "01AAA/chunks/000001";

TEST_F(CachingBucketTest, SecondIdenticalGetRangeMakesNoBackendCall) {
  ASSERT_OK_AND_ASSIGN(std::string first, bucket_->GetRange(kChunk, 12, 25));
  EXPECT_EQ(first, objects_[kChunk].substr(12, 25));
  EXPECT_EQ(counting_->Count(BucketOp::kAttributes), 1);
  EXPECT_EQ(counting_->Count(BucketOp::kGetRange), 1);
  EXPECT_EQ(counting_->BytesRead(), 30);  // [10, 40): whole subranges
  counting_->Reset();
  ASSERT_OK_AND_ASSIGN(std::string second, bucket_->GetRange(kChunk, 12, 25));
  EXPECT_EQ(second, first);
  EXPECT_EQ(counting_->TotalCalls(), 0);
  EXPECT_EQ(MetricValue(*registry_, "thanos_store_bucket_cache_operation_hits_total",
                        {{"operation", "get_range"}, {"config", "chunks"}}),
            1);
  EXPECT_EQ(MetricValue(*registry_, "thanos_store_bucket_cache_getrange_requested_bytes_total",
                        {{"config", "chunks"}}),
            50);
  EXPECT_EQ(MetricValue(*registry_, "thanos_store_bucket_cache_getrange_fetched_bytes_total",
                        {{"origin", "bucket"}, {"config", "chunks"}}),
            30);
  EXPECT_EQ(MetricValue(*registry_, "thanos_store_bucket_cache_getrange_fetched_bytes_total",
                        {{"origin", "cache"}, {"config", "chunks"}}),
            30);
}

TEST_F(CachingBucketTest, PartiallyCachedRangeFetchesOnlyTheMissingSubranges) {
  ASSERT_OK(bucket_->GetRange(kChunk, 0, 30).status());
  counting_->Reset();
  ASSERT_OK_AND_ASSIGN(std::string got, bucket_->GetRange(kChunk, 5, 50));
  EXPECT_EQ(got, objects_[kChunk].substr(5, 50));
  EXPECT_EQ(counting_->Count(BucketOp::kAttributes), 0);
  EXPECT_EQ(counting_->Count(BucketOp::kGetRange), 1);
  EXPECT_EQ(counting_->BytesRead(), 30);  // [30, 60) only
}

TEST_F(CachingBucketTest, MissingSubrangesAreMergedUpToTheRequestLimit) {
  // Cached: [10,30) [40,50) [60,90); missing in [0,100): [0,10) [30,40) [50,60) [90,100).
  struct Case {
    int max_requests;
    int64_t want_calls;
    int64_t want_bytes;
  };
  for (const Case& c : {Case{0, 4, 40}, Case{3, 3, 50}, Case{2, 2, 70}, Case{1, 1, 100}}) {
    SCOPED_TRACE(c.max_requests);
    CachingBucketOptions o;
    o.max_chunks_get_range_requests = c.max_requests;
    Build(o);
    for (auto [off, len] : {std::pair<int64_t, int64_t>{10, 20}, {40, 10}, {60, 30}}) {
      ASSERT_OK(bucket_->GetRange(kChunk, off, len).status());
    }
    counting_->Reset();
    ASSERT_OK_AND_ASSIGN(std::string got, bucket_->GetRange(kChunk, 0, 100));
    EXPECT_EQ(got, objects_[kChunk]);
    EXPECT_EQ(counting_->Count(BucketOp::kGetRange), c.want_calls);
    EXPECT_EQ(counting_->BytesRead(), c.want_bytes);
    counting_->Reset();
    ASSERT_OK_AND_ASSIGN(got, bucket_->GetRange(kChunk, 0, 100));
    EXPECT_EQ(counting_->TotalCalls(), 0);
  }
}

TEST_F(CachingBucketTest, LastSubrangeMayBeShortAndReadsPastTheEndAreCut) {
  const std::string& data = objects_["01AAA/chunks/000002"];  // 35 bytes
  ASSERT_OK_AND_ASSIGN(std::string tail, bucket_->GetRange("01AAA/chunks/000002", 28, 100));
  EXPECT_EQ(tail, data.substr(28));
  counting_->Reset();
  ASSERT_OK_AND_ASSIGN(tail, bucket_->GetRange("01AAA/chunks/000002", 30, 5));
  EXPECT_EQ(tail, data.substr(30));
  ASSERT_OK_AND_ASSIGN(std::string past, bucket_->GetRange("01AAA/chunks/000002", 40, 5));
  EXPECT_EQ(past, "");
  EXPECT_EQ(counting_->TotalCalls(), 0);
  auto hits =
      bucket_->cache().Fetch({"subrange:01AAA/chunks/000002:30:35", "attrs:01AAA/chunks/000002"});
  EXPECT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits["subrange:01AAA/chunks/000002:30:35"], data.substr(30));
}

TEST_F(CachingBucketTest, IndexAndOtherFilesAreNotCached) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(bucket_->GetRange("01AAA/index", 0, 10).status());
    ASSERT_OK(bucket_->Get("top").status());
    ASSERT_OK(bucket_->Exists("top").status());
  }
  EXPECT_EQ(counting_->Count(BucketOp::kGetRange), 2);
  EXPECT_EQ(counting_->Count(BucketOp::kGet), 2);
  EXPECT_EQ(counting_->Count(BucketOp::kExists), 2);
}

TEST_F(CachingBucketTest, ChunkAttributesAreCachedUntilTheirTtl) {
  ASSERT_OK_AND_ASSIGN(auto attrs, bucket_->Attributes(kChunk));
  EXPECT_EQ(attrs.size, 100);
  ASSERT_OK_AND_ASSIGN(auto again, bucket_->Attributes(kChunk));
  EXPECT_EQ(again.size, 100);
  EXPECT_EQ(again.last_modified, attrs.last_modified);
  EXPECT_EQ(counting_->Count(BucketOp::kAttributes), 1);
  now_ += absl::Hours(24);
  ASSERT_OK(bucket_->Attributes(kChunk).status());
  EXPECT_EQ(counting_->Count(BucketOp::kAttributes), 2);
  EXPECT_THAT(bucket_->Attributes("01AAA/chunks/000009"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(bucket_->GetRange("01AAA/chunks/000009", 0, 5),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CachingBucketTest, MetaFileExistsAndContentAreCachedWithTheirTtls) {
  ASSERT_OK_AND_ASSIGN(bool exists, bucket_->Exists("01AAA/meta.json"));
  EXPECT_TRUE(exists);
  ASSERT_OK_AND_ASSIGN(std::string meta, bucket_->Get("01AAA/meta.json"));
  ASSERT_OK_AND_ASSIGN(meta, bucket_->Get("01AAA/meta.json"));
  ASSERT_OK_AND_ASSIGN(exists, bucket_->Exists("01AAA/meta.json"));
  EXPECT_EQ(meta, objects_["01AAA/meta.json"]);
  EXPECT_EQ(counting_->Count(BucketOp::kExists), 1);
  EXPECT_EQ(counting_->Count(BucketOp::kGet), 1);
  EXPECT_THAT(bucket_->cache().Fetch({"exists:01AAA/meta.json", "content:01AAA/meta.json"}),
              UnorderedElementsAre(Pair("exists:01AAA/meta.json", "true"),
                                   Pair("content:01AAA/meta.json", meta)));
  now_ += absl::Hours(2);  // metafile_exists_ttl passed, content (24h) still valid
  ASSERT_OK(bucket_->Exists("01AAA/meta.json").status());
  ASSERT_OK(bucket_->Get("01AAA/meta.json").status());
  EXPECT_EQ(counting_->Count(BucketOp::kExists), 2);
  EXPECT_EQ(counting_->Count(BucketOp::kGet), 1);
}

TEST_F(CachingBucketTest, MissingDeletionMarkIsCachedAsNotFound) {
  EXPECT_THAT(bucket_->Get("01AAA/deletion-mark.json"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(bucket_->Get("01AAA/deletion-mark.json"), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(bool exists, bucket_->Exists("01AAA/deletion-mark.json"));
  EXPECT_FALSE(exists);
  EXPECT_EQ(counting_->TotalCalls(), 1);
  now_ += absl::Minutes(15);  // metafile_doesnt_exist_ttl
  EXPECT_THAT(bucket_->Get("01AAA/deletion-mark.json"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(counting_->TotalCalls(), 2);
}

TEST_F(CachingBucketTest, MetaFileLargerThanMaxSizeIsNotCached) {
  CachingBucketOptions o;
  o.metafile_max_size = 1000;
  Build(o);
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(std::string big, bucket_->Get("01AAB/meta.json"));
    EXPECT_EQ(big.size(), 2000u);
  }
  EXPECT_EQ(counting_->Count(BucketOp::kGet), 2);
  ASSERT_OK(bucket_->Exists("01AAB/meta.json").status());
  EXPECT_EQ(counting_->Count(BucketOp::kExists), 0);  // existence learned by Get
}

TEST_F(CachingBucketTest, RootIterIsCachedPerRecursionUntilItsTtl) {
  ASSERT_OK_AND_ASSIGN(auto names, objstore::ListAll(*bucket_, "", false));
  EXPECT_THAT(names, ElementsAre("01AAA/", "01AAB/", "top"));
  ASSERT_OK_AND_ASSIGN(auto again, objstore::ListAll(*bucket_, "", false));
  EXPECT_EQ(again, names);
  ASSERT_OK_AND_ASSIGN(auto deep, objstore::ListAll(*bucket_, "", true));
  ASSERT_OK_AND_ASSIGN(deep, objstore::ListAll(*bucket_, "", true));
  EXPECT_EQ(deep.size(), objects_.size());
  EXPECT_EQ(counting_->Count(BucketOp::kIter), 2);
  EXPECT_EQ(bucket_->cache().Fetch({"iter::42", "iter-recursive::42"}).size(), 2u);
  // Sub-directories are never cached.
  ASSERT_OK(objstore::ListAll(*bucket_, "01AAA", false).status());
  ASSERT_OK(objstore::ListAll(*bucket_, "01AAA", false).status());
  EXPECT_EQ(counting_->Count(BucketOp::kIter), 4);
  now_ += absl::Minutes(5);
  ASSERT_OK(objstore::ListAll(*bucket_, "", false).status());
  EXPECT_EQ(counting_->Count(BucketOp::kIter), 5);
}

TEST_F(CachingBucketTest, CachedIterStopsAtCallbackError) {
  ASSERT_OK(objstore::ListAll(*bucket_, "", false).status());
  int calls = 0;
  absl::Status s = bucket_->Iter("", [&](std::string_view) {
    ++calls;
    return absl::CancelledError("stop");
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(calls, 1);
}

TEST_F(CachingBucketTest, UndecodableCachedValuesAreMisses) {
  bucket_->cache().Store({{"attrs:01AAA/chunks/000002", "garbage"},
                          {"exists:01AAA/meta.json", "maybe"},
                          {"iter::42", "{"},
                          {"subrange:01AAA/chunks/000002:0:10", "short"}},
                         absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(std::string got, bucket_->GetRange("01AAA/chunks/000002", 0, 10));
  EXPECT_EQ(got, objects_["01AAA/chunks/000002"].substr(0, 10));
  ASSERT_OK_AND_ASSIGN(bool exists, bucket_->Exists("01AAA/meta.json"));
  EXPECT_TRUE(exists);
  ASSERT_OK_AND_ASSIGN(auto names, objstore::ListAll(*bucket_, "", false));
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(counting_->TotalCalls(), 4);
}

TEST(CachingBucketNames, ChunkAndMetaMatchers) {
  for (std::string yes : {"01A/chunks/000001", "a/b/chunks/1", "/chunks/7"}) {
    EXPECT_TRUE(IsChunkFile(yes)) << yes;
  }
  for (std::string no : {"chunks/000001", "01A/chunks/", "01A/chunks/00a1", "01A/chunks/1/x",
                         "01A/xchunks/1", "01A/index"}) {
    EXPECT_FALSE(IsChunkFile(no)) << no;
  }
  EXPECT_TRUE(IsMetaFile("01A/meta.json"));
  EXPECT_TRUE(IsMetaFile("01A/deletion-mark.json"));
  EXPECT_FALSE(IsMetaFile("meta.json"));
  EXPECT_FALSE(IsMetaFile("01A/no-compact-mark.json"));
}

// The conformance suite through an in-memory caching bucket: transparent on every operation.
absl::StatusOr<std::unique_ptr<objstore::Bucket>> MakeCachingOverFilesystem(
    const objstore::ObjectMap& objects, const std::string& scratch) {
  static prometheus::Registry* registry = new prometheus::Registry();
  absl::Status s = objstore::WriteObjects(scratch, objects);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> fs =
      objstore::FilesystemBucket::Open(scratch);
  if (!fs.ok()) return fs.status();
  absl::StatusOr<std::unique_ptr<LruCache>> lru =
      LruCache::Create("caching-bucket", LruCacheConfig{}, *registry);
  if (!lru.ok()) return lru.status();
  CachingBucketOptions o;
  o.chunk_subrange_size = 1000;  // many subranges per read in LargeObjectManyRanges
  return std::unique_ptr<objstore::Bucket>(
      std::make_unique<CachingBucket>(std::shared_ptr<objstore::Bucket>(std::move(fs).value()),
                                      std::move(lru).value(), o, *registry));
}

using objstore::BucketConformanceTest;
INSTANTIATE_TEST_SUITE_P(InMemory, BucketConformanceTest,
                         ::testing::Values(objstore::BucketConformanceParam{
                             "CachingInMemory", MakeCachingOverFilesystem}),
                         objstore::BucketConformanceParamName);

}  // namespace
}  // namespace charon::cache
