// The conformance suite every remote cache backend (memcached, redis) must pass against its real
// server, run as a child process: a server that is down or paused (SIGSTOP) is only misses and
// counted failures, never an error or a hang, and is used again once it is back; a full write
// queue drops and counts; batched fetches return every hit; and through the caching bucket and
// the index cache, two stores share what one of them cached.
//
// Usage, in exactly one .cc of a test binary (the TEST_Ps below are defined in this header):
//   INSTANTIATE_TEST_SUITE_P(Memcached, RemoteCacheConformanceTest,
//                            ::testing::Values(MemcachedBackend()), RemoteCacheBackendName);
// The same binary runs the Cache and Bucket conformance suites on a SharedCacheServer through
// SharedServerCacheConformance and SharedServerCachingBucketConformance.
#ifndef CHARON_CACHE_CACHE_CONFORMANCE_REMOTE_H_
#define CHARON_CACHE_CACHE_CONFORMANCE_REMOTE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cache/cache_conformance.h"
#include "cache/caching_bucket.h"
#include "cache/caching_bucket_config.h"
#include "cache/index_cache.h"
#include "cache/index_cache_config.h"
#include "cache/metrics_testing.h"
#include "cache/remote_cache.h"
#include "cache/remote_client.h"
#include "objstore/bucket_conformance.h"
#include "objstore/counting_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "testing/cache_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cache {

// What the suite asks of a client; 0 leaves a setting at the backend's default.
struct RemoteClientOptions {
  std::string address;                               // "127.0.0.1:<port>"
  absl::Duration timeout = absl::Milliseconds(200);  // every connect, read and write wait
  int max_async_buffer_size = 0;
  int max_async_concurrency = 0;
  int get_multi_batch_size = 0;
};

struct RemoteCacheBackend {
  std::string name;  // letters, digits and '_' only: it becomes part of the test names
  std::string type;  // the `type` of a cache config: MEMCACHED, REDIS
  std::function<absl::StatusOr<std::unique_ptr<testing::CacheServer>>()> start;
  std::function<absl::StatusOr<std::unique_ptr<RemoteClient>>(const RemoteClientOptions& options,
                                                              prometheus::Registry& registry)>
      client;
  // The `config:` map (indented by two spaces, one key a line) of a cache on `address`, with
  // 1 s timeouts.
  std::function<std::string(const std::string& address)> config_yaml;
};

inline void PrintTo(const RemoteCacheBackend& b, std::ostream* os) { *os << b.name; }
inline std::string RemoteCacheBackendName(
    const ::testing::TestParamInfo<RemoteCacheBackend>& info) {
  return info.param.name;
}

// One server of a backend for the tests of a binary that do not stop it, started once:
//   const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedCacheServer(Redis()));
class SharedCacheServer : public ::testing::Environment {
 public:
  explicit SharedCacheServer(RemoteCacheBackend backend) : backend_(std::move(backend)) {}
  static testing::CacheServer& Get() { return *server_; }
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::CacheServer>> s = backend_.start();
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(s).value();
  }
  void TearDown() override { server_.reset(); }

 private:
  const RemoteCacheBackend backend_;
  static inline std::unique_ptr<testing::CacheServer> server_;
};

// The Cache conformance suite over `backend` on the shared server (emptied before each test).
inline CacheConformanceParam SharedServerCacheConformance(const RemoteCacheBackend& backend) {
  auto make = [backend]() -> absl::StatusOr<std::unique_ptr<Cache>> {
    static prometheus::Registry* registry = new prometheus::Registry();
    absl::Status s = SharedCacheServer::Get().FlushAll();
    if (!s.ok()) return s;
    RemoteClientOptions options;
    options.address = SharedCacheServer::Get().address();
    // Generous: these tests are about semantics, and a loaded machine may be slow to answer.
    options.timeout = absl::Seconds(5);
    absl::StatusOr<std::unique_ptr<RemoteClient>> client = backend.client(options, *registry);
    if (!client.ok()) return client.status();
    return std::unique_ptr<Cache>(
        std::make_unique<RemoteCache>("conformance", std::move(client).value(), *registry));
  };
  auto settle = [](Cache& c) {
    ASSERT_TRUE(dynamic_cast<RemoteCache&>(c).client().WaitForPendingWrites(absl::Seconds(20)));
  };
  return CacheConformanceParam{backend.name, make, settle};
}

// The Bucket conformance suite through a caching bucket over `backend` on the shared server
// (emptied before each test).
inline objstore::BucketConformanceParam SharedServerCachingBucketConformance(
    const RemoteCacheBackend& backend) {
  auto make = [backend](
                  const objstore::ObjectMap& objects,
                  const std::string& scratch) -> absl::StatusOr<std::unique_ptr<objstore::Bucket>> {
    static prometheus::Registry* registry = new prometheus::Registry();
    absl::Status s = SharedCacheServer::Get().FlushAll();
    if (!s.ok()) return s;
    s = objstore::WriteObjects(scratch, objects);
    if (!s.ok()) return s;
    absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> fs =
        objstore::FilesystemBucket::Open(scratch);
    if (!fs.ok()) return fs.status();
    std::string yaml = absl::StrCat("type: ", backend.type, "\nconfig:\n",
                                    backend.config_yaml(SharedCacheServer::Get().address()),
                                    "chunk_subrange_size: 1000\n");
    absl::StatusOr<std::unique_ptr<CachingBucket>> b = NewCachingBucketFromYaml(
        yaml, "conformance.yaml", std::shared_ptr<objstore::Bucket>(std::move(fs).value()),
        IterConfigHash(scratch, ""), *registry);
    if (!b.ok()) return b.status();
    return std::unique_ptr<objstore::Bucket>(std::move(b).value());
  };
  return objstore::BucketConformanceParam{absl::StrCat("Caching", backend.name), make};
}

class RemoteCacheConformanceTest : public ::testing::TestWithParam<RemoteCacheBackend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::CacheServer>> s = GetParam().start();
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(s).value();
  }

  // A cache on the suite's server, counting into registry_.
  std::unique_ptr<RemoteCache> MakeCache(RemoteClientOptions options = {}) {
    options.address = server_->address();
    absl::StatusOr<std::unique_ptr<RemoteClient>> c = GetParam().client(options, registry_);
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return nullptr;
    return std::make_unique<RemoteCache>("test", std::move(c).value(), registry_);
  }

  // The client's metric `<thanos_backend>_<suffix>` over the series with `labels`.
  double ClientMetric(const std::string& suffix, const std::map<std::string, std::string>& labels) {
    return MetricValue(registry_,
                       absl::StrCat("thanos_", absl::AsciiStrToLower(GetParam().type), "_", suffix),
                       labels);
  }

  static void Settle(RemoteCache& c) {
    ASSERT_TRUE(c.client().WaitForPendingWrites(absl::Seconds(10)));
  }

  std::string CacheYaml() const {
    return absl::StrCat("type: ", GetParam().type, "\nconfig:\n",
                        GetParam().config_yaml(server_->address()));
  }

  prometheus::Registry registry_;
  std::unique_ptr<testing::CacheServer> server_;
};

TEST_P(RemoteCacheConformanceTest, StoppedServerIsAMissAndComesBack) {
  std::unique_ptr<RemoteCache> cache = MakeCache();
  ASSERT_NE(cache, nullptr);
  cache->Store({{"k", "v"}}, absl::Minutes(1));
  Settle(*cache);
  ASSERT_EQ(cache->Fetch({"k"}).size(), 1u);

  server_->Stop();
  EXPECT_THAT(cache->Fetch({"k"}), ::testing::IsEmpty());  // a pooled connection, now broken
  EXPECT_THAT(cache->Fetch({"k"}), ::testing::IsEmpty());  // a new connection, refused
  cache->Store({{"k2", "v"}}, absl::Minutes(1));
  Settle(*cache);
  EXPECT_GE(ClientMetric("operation_failures_total",
                         {{"operation", "getmulti"}, {"reason", "network-error"}}),
            2);
  EXPECT_GE(ClientMetric("operation_failures_total", {{"operation", "set"}}), 1);

  ASSERT_OK(server_->Restart());
  EXPECT_TRUE(Eventually([&] {
    cache->Store({{"k3", "v3"}}, absl::Minutes(1));
    cache->client().WaitForPendingWrites(absl::Seconds(5));
    return cache->Fetch({"k3"}).size() == 1;
  }));
}

TEST_P(RemoteCacheConformanceTest, PausedServerIsAMissNotAHang) {
  std::unique_ptr<RemoteCache> cache = MakeCache();
  ASSERT_NE(cache, nullptr);
  cache->Store({{"k", "v"}}, absl::Minutes(1));
  Settle(*cache);
  ASSERT_EQ(cache->Fetch({"k"}).size(), 1u);

  ASSERT_OK(server_->Pause());
  // Each of these returns after the 200ms timeout; a hang would trip the test's time limit.
  for (int i = 0; i < 3; ++i) EXPECT_THAT(cache->Fetch({"k", "other"}), ::testing::IsEmpty());
  cache->Store({{"k2", "v"}}, absl::Minutes(1));
  Settle(*cache);
  EXPECT_GE(
      ClientMetric("operation_failures_total", {{"operation", "getmulti"}, {"reason", "timeout"}}),
      1);

  ASSERT_OK(server_->Resume());
  EXPECT_TRUE(Eventually([&] { return cache->Fetch({"k"}).size() == 1; }));
}

TEST_P(RemoteCacheConformanceTest, FullWriteQueueDropsAndCounts) {
  RemoteClientOptions options;
  options.max_async_buffer_size = 2;
  options.max_async_concurrency = 1;
  std::unique_ptr<RemoteCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  ASSERT_OK(server_->Pause());  // the single writer blocks on its first write
  for (int i = 0; i < 10; ++i) cache->Store({{absl::StrCat("q", i), "v"}}, absl::Minutes(1));
  EXPECT_GE(ClientMetric("operation_skipped_total",
                         {{"operation", "set"}, {"reason", "async-buffer-full"}}),
            7);
  ASSERT_OK(server_->Resume());
}

TEST_P(RemoteCacheConformanceTest, BatchedFetchReturnsEveryHit) {
  RemoteClientOptions options;
  options.get_multi_batch_size = 7;
  std::unique_ptr<RemoteCache> cache = MakeCache(options);
  ASSERT_NE(cache, nullptr);
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    keys.push_back(absl::StrCat("batch-", i));
    if (i % 2 == 0) cache->Store({{keys.back(), absl::StrCat(i)}}, absl::Minutes(1));
  }
  Settle(*cache);
  auto hits = cache->Fetch(keys);
  EXPECT_EQ(hits.size(), 25u);
  EXPECT_EQ(hits["batch-48"], "48");
  EXPECT_EQ(hits.count("batch-49"), 0u);
}

TEST_P(RemoteCacheConformanceTest, TwoCachingBucketsShareHitsAndAnOutageIsOnlyMisses) {
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("remote-cb"));
  objstore::ObjectMap objects = {{"01A/chunks/000001", objstore::PseudoRandomBytes(1000, 1)},
                                 {"01A/meta.json", R"({"ulid":"01A"})"}};
  ASSERT_OK(objstore::WriteObjects(dir.path(), objects));
  const std::string yaml = absl::StrCat(CacheYaml(), "chunk_subrange_size: 100\n");
  auto make = [&](prometheus::Registry& reg, std::shared_ptr<objstore::CountingBucket>* counting) {
    absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> fs =
        objstore::FilesystemBucket::Open(dir.path());
    EXPECT_TRUE(fs.ok()) << fs.status();
    *counting = std::make_shared<objstore::CountingBucket>(
        std::unique_ptr<objstore::Bucket>(std::move(fs).value()));
    absl::StatusOr<std::unique_ptr<CachingBucket>> b =
        NewCachingBucketFromYaml(yaml, "test.yaml", *counting, "1", reg);
    EXPECT_TRUE(b.ok()) << b.status();
    return std::move(b).value();
  };
  // Every cached operation once; all must succeed with the right bytes.
  auto read = [&](CachingBucket& b) {
    ASSERT_OK_AND_ASSIGN(std::string range, b.GetRange("01A/chunks/000001", 150, 500));
    EXPECT_EQ(range, objects["01A/chunks/000001"].substr(150, 500));
    ASSERT_OK_AND_ASSIGN(auto attrs, b.Attributes("01A/chunks/000001"));
    EXPECT_EQ(attrs.size, 1000);
    ASSERT_OK_AND_ASSIGN(std::string meta, b.Get("01A/meta.json"));
    EXPECT_EQ(meta, objects["01A/meta.json"]);
    ASSERT_OK_AND_ASSIGN(bool exists, b.Exists("01A/meta.json"));
    EXPECT_TRUE(exists);
    EXPECT_THAT(b.Get("01A/deletion-mark.json"), testing::StatusIs(absl::StatusCode::kNotFound));
    ASSERT_OK_AND_ASSIGN(auto names, objstore::ListAll(b, "", false));
    EXPECT_THAT(names, ::testing::ElementsAre("01A/"));
  };
  prometheus::Registry reg1, reg2;
  std::shared_ptr<objstore::CountingBucket> c1, c2;
  std::unique_ptr<CachingBucket> first = make(reg1, &c1);
  read(*first);
  EXPECT_GT(c1->TotalCalls(), 0);
  Settle(dynamic_cast<RemoteCache&>(first->cache()));
  std::unique_ptr<CachingBucket> second = make(reg2, &c2);
  read(*second);
  EXPECT_EQ(c2->TotalCalls(), 0);
  // RemoteCache's own counters, under the names Thanos gives each backend.
  const std::string backend = absl::AsciiStrToLower(GetParam().type);
  const double requests =
      MetricValue(reg2, absl::StrCat("thanos_cache_", backend, "_requests_total"),
                  {{"name", "caching-bucket"}});
  const double hits = MetricValue(reg2, absl::StrCat("thanos_cache_", backend, "_hits_total"),
                                  {{"name", "caching-bucket"}});
  EXPECT_GT(hits, 0);
  EXPECT_GE(requests, hits);

  // A paused or stopped server mid-use: served by the bucket, not the cache.
  ASSERT_OK(server_->Pause());
  c2->Reset();
  read(*second);
  EXPECT_GT(c2->TotalCalls(), 0);
  ASSERT_OK(server_->Resume());
  server_->Stop();
  c2->Reset();
  read(*second);
  EXPECT_GT(c2->TotalCalls(), 0);
}

TEST_P(RemoteCacheConformanceTest, TwoIndexCachesShareEntriesAndAnOutageIsOnlyMisses) {
  constexpr char kBlock[] = "01HQZX3V7W9J5T0G8K2M4N6P8R";
  auto make = [&](prometheus::Registry& reg) {
    absl::StatusOr<IndexCacheConfig> c = ParseIndexCacheConfig(CacheYaml(), "index-cache.yaml");
    EXPECT_TRUE(c.ok()) << c.status();
    absl::StatusOr<std::unique_ptr<IndexCache>> cache = NewIndexCache(*c, "index-cache.yaml", reg);
    EXPECT_TRUE(cache.ok()) << cache.status();
    return std::move(cache).value();
  };
  prometheus::Registry reg1, reg2;
  std::unique_ptr<IndexCache> first = make(reg1);
  std::unique_ptr<IndexCache> second = make(reg2);
  std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> postings = {
      {{"job", "api"}, {1, 5, 9}}, {{"instance", std::string(400, 'i')}, {2}}};
  first->StorePostings(kBlock, postings);
  first->StoreExpandedPostings(kBlock, "job=\"api\"", std::vector<uint64_t>{16, 80, 144});
  first->StoreSeries(kBlock, {{16, "series-entry"}});
  Settle(dynamic_cast<RemoteCache&>(first->backend()));
  std::vector<tsdb::Label> labels = {{"job", "api"}, {"instance", std::string(400, 'i')}};
  EXPECT_THAT(second->FetchMultiPostings(kBlock, labels),
              ::testing::ElementsAre(::testing::Optional(::testing::ElementsAre(1, 5, 9)),
                                     ::testing::Optional(::testing::ElementsAre(2))));
  EXPECT_THAT(second->FetchExpandedPostings(kBlock, "job=\"api\""),
              ::testing::Optional(::testing::ElementsAre(16, 80, 144)));
  EXPECT_THAT(second->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}),
              ::testing::UnorderedElementsAre(::testing::Pair(16, "series-entry")));
  EXPECT_EQ(MetricValue(reg2, "thanos_store_index_cache_hits_total"), 4);

  // A server that hangs or stops mid-use is a miss for everyone, never an error.
  ASSERT_OK(server_->Pause());
  EXPECT_THAT(second->FetchMultiPostings(kBlock, labels),
              ::testing::ElementsAre(std::nullopt, std::nullopt));
  ASSERT_OK(server_->Resume());
  server_->Stop();
  EXPECT_EQ(second->FetchExpandedPostings(kBlock, "job=\"api\""), std::nullopt);
  EXPECT_THAT(second->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}), ::testing::IsEmpty());
}

}  // namespace charon::cache

#endif  // CHARON_CACHE_CACHE_CONFORMANCE_REMOTE_H_
