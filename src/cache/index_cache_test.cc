// The index cache over its in-memory store: Thanos' keys, what is cached, bounds and metrics.
#include "cache/index_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <sstream>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "cache/index_cache_config.h"
#include "cache/index_cache_keys.h"
#include "cache/inmemory_index_cache.h"
#include "cache/metrics_testing.h"
#include "cache/postings_codec.h"
#include "testing/status_matchers.h"

namespace charon::cache {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kBlock[] = "01HQZX3V7W9J5T0G8K2M4N6P8R";

tsdb::Matcher M(tsdb::MatchType t, std::string name, std::string value) {
  absl::StatusOr<tsdb::Matcher> m = tsdb::Matcher::Create(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

TEST(IndexCacheKeys, AreThanosKeys) {
  // Hashes computed independently (Python's hashlib.blake2b, digest_size=32, base64url).
  EXPECT_EQ(PostingsKey(kBlock, "job", "api", "dss"),
            "P:01HQZX3V7W9J5T0G8K2M4N6P8R:RjLyLT966c_ngG8_b99gtHMvycEej-YJ59N5djb4TAY:dss");
  EXPECT_EQ(PostingsKey(kBlock, "job", "api", ""),
            "P:01HQZX3V7W9J5T0G8K2M4N6P8R:RjLyLT966c_ngG8_b99gtHMvycEej-YJ59N5djb4TAY");
  // A long value is hashed like any other: the key stays short enough for memcached.
  std::string long_key = PostingsKey(kBlock, "instance", std::string(300, 'x'), "dss");
  EXPECT_EQ(long_key,
            "P:01HQZX3V7W9J5T0G8K2M4N6P8R:4fFKLQjd24KWK4oG49bD1sF44QcNi1ajXTQUsdl0DAw:dss");
  EXPECT_LE(long_key.size(), 250u);
  EXPECT_EQ(SeriesKey(kBlock, 123456), "S:01HQZX3V7W9J5T0G8K2M4N6P8R:123456");

  // Matchers are sorted by (type, name, value) and joined with ';'.
  std::vector<tsdb::Matcher> ms = {M(tsdb::MatchType::kRegexMatch, "job", "a.*"),
                                   M(tsdb::MatchType::kEqual, "__name__", "up")};
  EXPECT_EQ(MatchersKey(ms), "__name__=\"up\";job=~\"a.*\"");
  EXPECT_EQ(ExpandedPostingsKey(kBlock, MatchersKey(ms), "dss"),
            "EP:01HQZX3V7W9J5T0G8K2M4N6P8R:2-c4jPm8cyOvOpflSLsQsZjAQIW6eTFwQUvmLJPic54:dss");
}

class InMemoryIndexCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<IndexCache> Make(int64_t max_size, int64_t max_item_size,
                                   IndexCacheOptions options = {}) {
    LruCacheConfig c;
    c.max_size = max_size;
    c.max_item_size = max_item_size;
    absl::StatusOr<std::unique_ptr<InMemoryIndexCache>> mem = InMemoryIndexCache::Create(c, reg_);
    EXPECT_TRUE(mem.ok()) << mem.status();
    mem_ = mem->get();
    return std::make_unique<IndexCache>(std::move(mem).value(), std::move(options), reg_);
  }

  prometheus::Registry reg_;
  InMemoryIndexCache* mem_ = nullptr;
};

TEST_F(InMemoryIndexCacheTest, CachesPostingsExpandedPostingsAndSeries) {
  auto cache = Make(1 << 20, 1 << 20);
  std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> postings = {
      {{"job", "api"}, {1, 5, 9}}, {{"job", "db"}, {2}}};
  cache->StorePostings(kBlock, postings);
  std::vector<tsdb::Label> labels = {{"job", "db"}, {"job", "web"}, {"job", "api"}};
  EXPECT_THAT(cache->FetchMultiPostings(kBlock, labels),
              ElementsAre(Optional(ElementsAre(2)), std::nullopt, Optional(ElementsAre(1, 5, 9))));
  // Another block's postings are other entries.
  EXPECT_THAT(cache->FetchMultiPostings("01HQZX3V7W9J5T0G8K2M4N6P8S", labels),
              ElementsAre(std::nullopt, std::nullopt, std::nullopt));

  cache->StoreExpandedPostings(kBlock, "job=\"api\"", std::vector<uint64_t>{16, 80, 144});
  EXPECT_THAT(cache->FetchExpandedPostings(kBlock, "job=\"api\""),
              Optional(ElementsAre(16, 80, 144)));
  EXPECT_EQ(cache->FetchExpandedPostings(kBlock, "job=\"db\""), std::nullopt);

  cache->StoreSeries(kBlock, {{16, "entry-16"}, {80, std::string("\0entry", 6)}});
  EXPECT_THAT(cache->FetchMultiSeries(kBlock, std::vector<uint64_t>{16, 32, 80}),
              UnorderedElementsAre(Pair(16, "entry-16"), Pair(80, std::string("\0entry", 6))));

  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_requests_total", {{"item_type", "Postings"}}), 6);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_hits_total", {{"item_type", "Postings"}}),
            2);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_requests_total",
                        {{"item_type", "ExpandedPostings"}, {"tenant", "default-tenant"}}),
            2);
  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_hits_total", {{"item_type", "ExpandedPostings"}}),
      1);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_requests_total", {{"item_type", "Series"}}),
            3);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_hits_total", {{"item_type", "Series"}}), 2);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_items", {{"item_type", "Postings"}}), 2);
  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_items", {{"item_type", "ExpandedPostings"}}), 1);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_items", {{"item_type", "Series"}}), 2);
  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_items_added_total", {{"item_type", "Series"}}),
      2);
  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_items_size_bytes", {{"item_type", "Series"}}),
      8 + 6);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_total_size_bytes"),
            static_cast<double>(mem_->SizeBytes()));
}

TEST_F(InMemoryIndexCacheTest, NeverHoldsMoreThanMaxSizeAndEvictsLeastRecentlyUsed) {
  const int64_t max_size = 64 * 1024;
  auto cache = Make(max_size, 8 * 1024);
  std::string value(1000, 'v');
  for (uint64_t ref = 0; ref < 200; ++ref) {
    cache->StoreSeries(kBlock, {{ref * 16, value}});
    ASSERT_LE(mem_->SizeBytes(), max_size);
    // Keep ref 0 recently used: it must survive every eviction.
    ASSERT_EQ(cache->FetchMultiSeries(kBlock, std::vector<uint64_t>{0}).size(), 1u) << ref;
  }
  EXPECT_GT(mem_->SizeBytes(), max_size - 2 * (1000 + 200));
  const int64_t per_item = mem_->SizeBytes() / mem_->ItemCount();
  // What an item costs includes its key and the entry's own overhead, not only the value.
  EXPECT_GT(per_item, 1000 + InMemoryIndexCache::EntryOverhead());
  EXPECT_EQ(cache->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}).size(), 0u);  // evicted
  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_items_evicted_total", {{"item_type", "Series"}}),
      200 - mem_->ItemCount());
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_total_size_bytes"),
            static_cast<double>(mem_->SizeBytes()));
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_max_size_bytes"), max_size);
}

TEST_F(InMemoryIndexCacheTest, AnItemLargerThanMaxItemSizeIsNotStored) {
  auto cache = Make(1 << 20, 4096);
  cache->StoreSeries(kBlock, {{16, std::string(5000, 'x')}, {32, "small"}});
  EXPECT_THAT(cache->FetchMultiSeries(kBlock, std::vector<uint64_t>{16, 32}),
              UnorderedElementsAre(Pair(32, "small")));
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_items_overflowed_total",
                        {{"item_type", "Series"}}),
            1);
}

TEST_F(InMemoryIndexCacheTest, AValueThatDoesNotDecodeIsAMissLoggedOnce) {
  auto cache = Make(1 << 20, 1 << 20);
  std::ostringstream log;
  base::InitLogging(base::LogOptions{}, &log);
  // What another writer (or a corrupted server) left under the keys.
  cache->backend().Store({{PostingsKey(kBlock, "job", "api", ""), "garbage"},
                          {PostingsKey(kBlock, "job", "db", ""), "dss-truncated"},
                          {ExpandedPostingsKey(kBlock, "m", ""), "dvs\xff"}},
                         absl::Hours(1));
  std::vector<tsdb::Label> labels = {{"job", "api"}, {"job", "db"}};
  EXPECT_THAT(cache->FetchMultiPostings(kBlock, labels), ElementsAre(std::nullopt, std::nullopt));
  EXPECT_EQ(cache->FetchExpandedPostings(kBlock, "m"), std::nullopt);
  EXPECT_EQ(MetricValue(reg_, "thanos_store_index_cache_hits_total"), 0);
  std::string text = log.str();
  base::InitLogging(base::LogOptions{});
  size_t first = text.find("does not decode");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("does not decode", first + 1), std::string::npos) << text;
  // The one line names the block and the item type.
  EXPECT_NE(text.find(absl::StrCat("block=", kBlock)), std::string::npos) << text;
  EXPECT_NE(text.find("item_type=Postings"), std::string::npos) << text;
}

TEST_F(InMemoryIndexCacheTest, ItemTypesNotEnabledAreNeitherStoredNorFetched) {
  IndexCacheOptions options;
  options.enabled = {false, true, false};  // ExpandedPostings only
  auto cache = Make(1 << 20, 1 << 20, options);
  std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> postings = {{{"a", "b"}, {1}}};
  cache->StorePostings(kBlock, postings);
  cache->StoreSeries(kBlock, {{16, "s"}});
  cache->StoreExpandedPostings(kBlock, "m", std::vector<uint64_t>{16});
  EXPECT_EQ(mem_->ItemCount(), 1);
  std::vector<tsdb::Label> labels = {{"a", "b"}};
  EXPECT_THAT(cache->FetchMultiPostings(kBlock, labels), ElementsAre(std::nullopt));
  EXPECT_THAT(cache->FetchExpandedPostings(kBlock, "m"), Optional(ElementsAre(16)));
  EXPECT_EQ(
      MetricValue(reg_, "thanos_store_index_cache_requests_total", {{"item_type", "Postings"}}), 0);
}

TEST_F(InMemoryIndexCacheTest, ManyThreadsShareTheCache) {
  auto cache = Make(256 * 1024, 64 * 1024);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < 2000; ++i) {
        uint64_t ref = (i * 4 + t) * 16;
        cache->StoreSeries(kBlock, {{ref, std::to_string(ref)}});
        for (const auto& [r, v] :
             cache->FetchMultiSeries(kBlock, std::vector<uint64_t>{ref, ref + 16})) {
          EXPECT_EQ(v, std::to_string(r));
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_LE(mem_->SizeBytes(), 256 * 1024);
}

TEST(NewDefaultIndexCache, IsInMemoryOfTheGivenSize) {
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<IndexCache> cache, NewDefaultIndexCache(250 << 20, reg));
  EXPECT_EQ(MetricValue(reg, "thanos_store_index_cache_max_size_bytes"), 250 << 20);
  EXPECT_EQ(MetricValue(reg, "thanos_store_index_cache_max_item_size_bytes"), 125 << 20);
  // Smaller than Thanos' item limit: items are bounded by the cache size.
  prometheus::Registry reg2;
  ASSERT_OK_AND_ASSIGN(cache, NewDefaultIndexCache(1 << 20, reg2));
  EXPECT_EQ(MetricValue(reg2, "thanos_store_index_cache_max_item_size_bytes"), 1 << 20);
  cache->StoreSeries(kBlock, {{16, "x"}});
  EXPECT_EQ(cache->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}).size(), 1u);
}

}  // namespace
}  // namespace charon::cache
