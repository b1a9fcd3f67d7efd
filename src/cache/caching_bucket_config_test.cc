#include "cache/caching_bucket_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "cache/lru_cache.h"
#include "config/config_error_case.h"
#include "objstore/filesystem_bucket.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cache {
namespace {

TEST(ParseCachingBucketConfig, DefaultsAreThanos) {
  ASSERT_OK_AND_ASSIGN(CachingBucketConfig c,
                       ParseCachingBucketConfig("type: in-memory", "f.yaml"));
  EXPECT_EQ(c.type, "IN-MEMORY");
  const CachingBucketOptions& o = c.options;
  EXPECT_EQ(o.chunk_subrange_size, 16000);
  EXPECT_EQ(o.max_chunks_get_range_requests, 3);
  EXPECT_EQ(o.metafile_max_size, 1 << 20);
  EXPECT_EQ(o.chunk_object_attrs_ttl, absl::Hours(24));
  EXPECT_EQ(o.chunk_subrange_ttl, absl::Hours(24));
  EXPECT_EQ(o.blocks_iter_ttl, absl::Minutes(5));
  EXPECT_EQ(o.metafile_exists_ttl, absl::Hours(2));
  EXPECT_EQ(o.metafile_doesnt_exist_ttl, absl::Minutes(15));
  EXPECT_EQ(o.metafile_content_ttl, absl::Hours(24));
}

TEST(ParseCachingBucketConfig, ReadsEveryKey) {
  const char* yaml = R"(
type: MEMCACHED
config:
  addresses: [127.0.0.1:11211]
chunk_subrange_size: 8000
max_chunks_get_range_requests: 0
metafile_max_size: 2MiB
chunk_object_attrs_ttl: 1h
chunk_subrange_ttl: 2h
blocks_iter_ttl: 30s
metafile_exists_ttl: 3h
metafile_doesnt_exist_ttl: 1m
metafile_content_ttl: 4h
)";
  ASSERT_OK_AND_ASSIGN(CachingBucketConfig c, ParseCachingBucketConfig(yaml, "f.yaml"));
  EXPECT_EQ(c.type, "MEMCACHED");
  EXPECT_TRUE(c.backend.IsMap());
  EXPECT_EQ(c.options.chunk_subrange_size, 8000);
  EXPECT_EQ(c.options.max_chunks_get_range_requests, 0);
  EXPECT_EQ(c.options.metafile_max_size, 2 << 20);
  EXPECT_EQ(c.options.chunk_object_attrs_ttl, absl::Hours(1));
  EXPECT_EQ(c.options.chunk_subrange_ttl, absl::Hours(2));
  EXPECT_EQ(c.options.blocks_iter_ttl, absl::Seconds(30));
  EXPECT_EQ(c.options.metafile_exists_ttl, absl::Hours(3));
  EXPECT_EQ(c.options.metafile_doesnt_exist_ttl, absl::Minutes(1));
  EXPECT_EQ(c.options.metafile_content_ttl, absl::Hours(4));
}

TEST(ParseCachingBucketConfig, Errors) {
  config::ExpectConfigErrors(
      [](const std::string& yaml) { return ParseCachingBucketConfig(yaml, "f.yaml").status(); },
      {
          {"type: IN-MEMORY\nbogus: 1", "bogus"},
          {"config: {}", "type"},
          {"type: FOO", "FOO"},
          {"type: groupcache", "GROUPCACHE", absl::StatusCode::kUnimplemented},
          {"type: IN-MEMORY\nchunk_subrange_size: 0", "chunk_subrange_size"},
          {"type: IN-MEMORY\nblocks_iter_ttl: soon", "blocks_iter_ttl"},
          {"type: [", "f.yaml"},
      });
}

TEST(NewCachingBucketCache, BackendConfigErrorsNameTheSource) {
  prometheus::Registry reg;
  auto status_of = [&](const std::string& yaml) {
    absl::StatusOr<CachingBucketConfig> config = ParseCachingBucketConfig(yaml, "f.yaml");
    if (!config.ok())
      return absl::InternalError(absl::StrCat("parse: ", config.status().message()));
    return NewCachingBucketCache(*config, "f.yaml", reg).status();
  };
  config::ExpectConfigErrors(
      status_of,
      {
          {"type: MEMCACHED", "no memcached addresses"},
          {"type: MEMCACHED\nconfig: {addresses: [a:1], auto_discovery: true}", "auto_discovery",
           absl::StatusCode::kUnimplemented},
          {"type: MEMCACHED\nconfig: {addresses: ['dnssrv+_memcache._tcp.x']}", "dnssrv+",
           absl::StatusCode::kUnimplemented},
          {"type: MEMCACHED\nconfig: {addresses: [a:1], max_async_concurrency: 0}",
           "max_async_concurrency"},
          {"type: MEMCACHED\nconfig: {addresses: [a:1], timeout: x}", "config.timeout"},
          {"type: IN-MEMORY\nconfig: {max_size: 1MB, max_item_size: 2MB}", "cannot be bigger"},
      },
      "f.yaml");
}

TEST(NewCachingBucketFromYaml, InMemoryWrapsTheBucket) {
  ASSERT_OK_AND_ASSIGN(auto dir, ::charon::testing::TempDir::Create("cfg"));
  ASSERT_OK(::charon::testing::WriteFile(dir.Path("01A/meta.json"), "{}"));
  ASSERT_OK_AND_ASSIGN(auto fs, objstore::FilesystemBucket::Open(dir.path()));
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto bucket,
                       NewCachingBucketFromYaml(
                           "type: IN-MEMORY\nconfig:\n  max_size: 10MB\n  max_item_size: 1MB\n",
                           "f.yaml", std::shared_ptr<objstore::Bucket>(std::move(fs)), "7", reg));
  EXPECT_EQ(bucket->Name().rfind("caching: ", 0), 0u);
  ASSERT_OK_AND_ASSIGN(std::string meta, bucket->Get("01A/meta.json"));
  EXPECT_EQ(meta, "{}");
  EXPECT_EQ(bucket->cache().Name(), "caching-bucket");
  EXPECT_EQ(bucket->cache().Fetch({"content:01A/meta.json"}).size(), 1u);
}

TEST(IterConfigHash, IsDecimalXxhash64OfContentAndPath) {
  // XXH64("", seed 0) is the well-known 0xEF46DB3751D8E999.
  EXPECT_EQ(IterConfigHash("", ""), "17241709254077376921");
  EXPECT_EQ(IterConfigHash("type: S3", "/etc/b.yaml"), IterConfigHash("type: S3/etc/", "b.yaml"));
  EXPECT_NE(IterConfigHash("type: S3", "a.yaml"), IterConfigHash("type: S3", "b.yaml"));
}

}  // namespace
}  // namespace charon::cache
