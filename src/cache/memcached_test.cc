// The memcached client, cache and caching bucket against real memcached servers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cache/cache_conformance.h"
#include "cache/caching_bucket_config.h"
#include "cache/index_cache_config.h"
#include "cache/memcached_client.h"
#include "cache/memcached_servers.h"
#include "cache/remote_cache.h"
#include "objstore/bucket_conformance.h"
#include "objstore/counting_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "testing/memcached_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cache {
namespace {

using ::charon::testing::MemcachedServer;
using ::charon::testing::StatusIs;
using objstore::BucketOp;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// One memcached shared by the tests that do not stop it, started once per binary.
class SharedMemcached : public ::testing::Environment {
 public:
  static MemcachedServer& Get() { return *server_; }
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<MemcachedServer>> s = MemcachedServer::Start();
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(s).value();
  }
  void TearDown() override { server_.reset(); }

 private:
  static inline std::unique_ptr<MemcachedServer> server_;
};
const ::testing::Environment* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedMemcached);

double Value(prometheus::Registry& reg, const std::string& name,
             const std::map<std::string, std::string>& labels) {
  double sum = 0;
  for (const auto& family : reg.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : m.label) got[l.name] = l.value;
      bool match = true;
      for (const auto& [k, v] : labels) match = match && got[k] == v;
      if (match) sum += m.counter.value;
    }
  }
  return sum;
}

MemcachedClientConfig ClientConfig(std::vector<std::string> addresses) {
  MemcachedClientConfig c;
  c.addresses = std::move(addresses);
  c.timeout = absl::Milliseconds(200);
  return c;
}

// Polls `fn` until it is true or 20 s passed (waiting for a server to come back).
bool Eventually(const std::function<bool()>& fn) {
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (fn()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

TEST(MemcachedClient, StoresAndFetches) {
  prometheus::Registry reg;
  MemcachedClientConfig cfg = ClientConfig({SharedMemcached::Get().address()});
  cfg.max_item_size = 1000;
  ASSERT_OK_AND_ASSIGN(auto client, MemcachedClient::Create("test", cfg, reg));
  client->SetAsync("k1", "v1", absl::Minutes(1));
  client->SetAsync("k2", std::string(1000, 'x'), absl::Minutes(1));
  client->SetAsync("too-big", std::string(1001, 'x'), absl::Minutes(1));
  client->SetAsync("bad key", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  auto hits = client->GetMulti({"k1", "k2", "too-big", "absent", "bad key"});
  EXPECT_THAT(hits, UnorderedElementsAre(Pair("k1", "v1"), Pair("k2", std::string(1000, 'x'))));
  EXPECT_EQ(Value(reg, "thanos_memcached_operation_skipped_total",
                  {{"name", "test"}, {"operation", "set"}, {"reason", "max-item-size"}}),
            1);
  EXPECT_EQ(Value(reg, "thanos_memcached_operation_failures_total",
                  {{"operation", "set"}, {"reason", "malformed-key"}}),
            1);
  EXPECT_EQ(Value(reg, "thanos_memcached_operation_failures_total",
                  {{"operation", "getmulti"}, {"reason", "malformed-key"}}),
            1);
  EXPECT_EQ(Value(reg, "thanos_memcached_operations_total", {{"operation", "set"}}), 2);
  EXPECT_EQ(Value(reg, "thanos_memcached_operations_total", {{"operation", "getmulti"}}), 1);
}

TEST(MemcachedClient, BatchesRespectTheBatchSize) {
  prometheus::Registry reg;
  MemcachedClientConfig cfg = ClientConfig({SharedMemcached::Get().address()});
  cfg.max_get_multi_batch_size = 3;
  cfg.max_get_multi_concurrency = 2;
  ASSERT_OK_AND_ASSIGN(auto client, MemcachedClient::Create("batch", cfg, reg));
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) {
    keys.push_back(absl::StrCat("batch-", i));
    client->SetAsync(keys.back(), absl::StrCat(i), absl::Minutes(1));
  }
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  auto hits = client->GetMulti(keys);
  EXPECT_EQ(hits.size(), 10u);
  EXPECT_EQ(hits["batch-7"], "7");
  EXPECT_EQ(Value(reg, "thanos_memcached_operations_total", {{"operation", "getmulti"}}), 4);
}

TEST(MemcachedClient, KeysGoToTheServerThanosPicks) {
  ASSERT_OK_AND_ASSIGN(auto a, MemcachedServer::Start());
  ASSERT_OK_AND_ASSIGN(auto b, MemcachedServer::Start());
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(
      auto both, MemcachedClient::Create("both", ClientConfig({a->address(), b->address()}), reg));
  std::vector<std::string> servers = both->Servers();
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_TRUE(NaturalLess(servers[0], servers[1]));
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    keys.push_back(absl::StrCat("spread-", i));
    both->SetAsync(keys.back(), "v", absl::Minutes(1));
  }
  ASSERT_TRUE(both->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_EQ(both->GetMulti(keys).size(), keys.size());
  // Each key is on exactly the server PickServer names.
  std::vector<std::unique_ptr<MemcachedClient>> single;
  for (const std::string& s : servers) {
    ASSERT_OK_AND_ASSIGN(auto c, MemcachedClient::Create("single", ClientConfig({s}), reg));
    single.push_back(std::move(c));
  }
  int on_second = 0;
  for (const std::string& k : keys) {
    int want = PickServer(k, 2);
    on_second += want;
    EXPECT_EQ(single[static_cast<size_t>(want)]->GetMulti({k}).size(), 1u) << k;
    EXPECT_THAT(single[static_cast<size_t>(1 - want)]->GetMulti({k}), IsEmpty()) << k;
  }
  EXPECT_GT(on_second, 0);
  EXPECT_LT(on_second, 50);
}

TEST(MemcachedClient, StoppedServerIsAMissAndComesBack) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto client,
                       MemcachedClient::Create("down", ClientConfig({server->address()}), reg));
  client->SetAsync("k", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  ASSERT_EQ(client->GetMulti({"k"}).size(), 1u);

  server->Stop();
  EXPECT_THAT(client->GetMulti({"k"}), IsEmpty());
  client->SetAsync("k2", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_GE(Value(reg, "thanos_memcached_operation_failures_total",
                  {{"operation", "getmulti"}, {"reason", "network-error"}}),
            1);
  EXPECT_GE(Value(reg, "thanos_memcached_operation_failures_total", {{"operation", "set"}}), 1);

  ASSERT_OK(server->Restart());
  EXPECT_TRUE(Eventually([&] {
    client->SetAsync("k3", "v3", absl::Minutes(1));
    client->WaitForPendingWrites(absl::Seconds(5));
    return client->GetMulti({"k3"}).size() == 1;
  }));
}

TEST(MemcachedClient, PausedServerIsAMissNotAHang) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto client,
                       MemcachedClient::Create("paused", ClientConfig({server->address()}), reg));
  client->SetAsync("k", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  ASSERT_EQ(client->GetMulti({"k"}).size(), 1u);

  ASSERT_OK(server->Pause());
  // Each of these returns after the 200ms timeout; a hang would trip the test's time limit.
  for (int i = 0; i < 3; ++i) EXPECT_THAT(client->GetMulti({"k", "other"}), IsEmpty());
  client->SetAsync("k2", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_GE(Value(reg, "thanos_memcached_operation_failures_total",
                  {{"operation", "getmulti"}, {"reason", "timeout"}}),
            1);

  ASSERT_OK(server->Resume());
  EXPECT_TRUE(Eventually([&] { return client->GetMulti({"k"}).size() == 1; }));
}

TEST(MemcachedClient, FullWriteQueueDropsAndCounts) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  prometheus::Registry reg;
  MemcachedClientConfig cfg = ClientConfig({server->address()});
  cfg.max_async_buffer_size = 2;
  cfg.max_async_concurrency = 1;
  ASSERT_OK_AND_ASSIGN(auto client, MemcachedClient::Create("full", cfg, reg));
  ASSERT_OK(server->Pause());  // the single writer blocks on its first write
  for (int i = 0; i < 10; ++i) client->SetAsync(absl::StrCat("q", i), "v", absl::Minutes(1));
  EXPECT_GE(Value(reg, "thanos_memcached_operation_skipped_total",
                  {{"operation", "set"}, {"reason", "async-buffer-full"}}),
            7);
  ASSERT_OK(server->Resume());
}

// A caching bucket over a filesystem bucket, with a memcached cache from YAML.
struct CachedFs {
  std::unique_ptr<prometheus::Registry> registry = std::make_unique<prometheus::Registry>();
  objstore::CountingBucket* counting = nullptr;
  std::unique_ptr<CachingBucket> bucket;
};

CachedFs MakeCachedFs(const std::string& dir, const std::string& address) {
  CachedFs out;
  auto fs = objstore::FilesystemBucket::Open(dir);
  EXPECT_TRUE(fs.ok()) << fs.status();
  auto counting = std::make_shared<objstore::CountingBucket>(std::move(fs).value());
  out.counting = counting.get();
  std::string yaml = absl::StrCat("type: memcached\nconfig:\n  addresses: [", address,
                                  "]\n  timeout: 200ms\nchunk_subrange_size: 100\n");
  auto b = NewCachingBucketFromYaml(yaml, "test.yaml", counting, "1", *out.registry);
  EXPECT_TRUE(b.ok()) << b.status();
  out.bucket = std::move(b).value();
  return out;
}

void Flush(CachedFs& c) {
  auto* memcached = dynamic_cast<RemoteCache*>(&c.bucket->cache());
  ASSERT_NE(memcached, nullptr);
  ASSERT_TRUE(memcached->client().WaitForPendingWrites(absl::Seconds(10)));
}

class MemcachedCachingBucketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(dir_, ::charon::testing::TempDir::Create("mcb"));
    ASSERT_OK(objstore::WriteObjects(dir_->path(), objects_));
  }
  // Every cached operation once; all must succeed with the right bytes.
  void ReadEverything(CachingBucket& b) {
    ASSERT_OK_AND_ASSIGN(std::string range, b.GetRange("01A/chunks/000001", 150, 500));
    EXPECT_EQ(range, objects_["01A/chunks/000001"].substr(150, 500));
    ASSERT_OK_AND_ASSIGN(auto attrs, b.Attributes("01A/chunks/000001"));
    EXPECT_EQ(attrs.size, 1000);
    ASSERT_OK_AND_ASSIGN(std::string meta, b.Get("01A/meta.json"));
    EXPECT_EQ(meta, objects_["01A/meta.json"]);
    ASSERT_OK_AND_ASSIGN(bool exists, b.Exists("01A/meta.json"));
    EXPECT_TRUE(exists);
    EXPECT_THAT(b.Get("01A/deletion-mark.json"), StatusIs(absl::StatusCode::kNotFound));
    ASSERT_OK_AND_ASSIGN(auto names, objstore::ListAll(b, "", false));
    EXPECT_THAT(names, ::testing::ElementsAre("01A/"));
  }

  objstore::ObjectMap objects_ = {{"01A/chunks/000001", objstore::PseudoRandomBytes(1000, 1)},
                                  {"01A/meta.json", R"({"ulid":"01A"})"}};
  std::optional<::charon::testing::TempDir> dir_;
};

TEST_F(MemcachedCachingBucketTest, TwoBucketsShareHits) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  CachedFs first = MakeCachedFs(dir_->path(), server->address());
  ReadEverything(*first.bucket);
  EXPECT_GT(first.counting->TotalCalls(), 0);
  Flush(first);
  CachedFs second = MakeCachedFs(dir_->path(), server->address());
  ReadEverything(*second.bucket);
  EXPECT_EQ(second.counting->TotalCalls(), 0);
  EXPECT_GT(
      Value(*second.registry, "thanos_cache_memcached_hits_total", {{"name", "caching-bucket"}}),
      0);
}

TEST_F(MemcachedCachingBucketTest, StoppedMemcachedMidTestOnlyCausesMisses) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  CachedFs c = MakeCachedFs(dir_->path(), server->address());
  ReadEverything(*c.bucket);
  Flush(c);
  server->Stop();
  c.counting->Reset();
  ReadEverything(*c.bucket);
  EXPECT_GT(c.counting->TotalCalls(), 0);  // served by the bucket, not the cache
}

TEST_F(MemcachedCachingBucketTest, PausedMemcachedMidTestOnlyCausesMisses) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  CachedFs c = MakeCachedFs(dir_->path(), server->address());
  ReadEverything(*c.bucket);
  Flush(c);
  ASSERT_OK(server->Pause());
  c.counting->Reset();
  ReadEverything(*c.bucket);
  EXPECT_GT(c.counting->TotalCalls(), 0);
  ASSERT_OK(server->Resume());
}

// The conformance suite through a memcached caching bucket (flushed before each test).
absl::StatusOr<std::unique_ptr<objstore::Bucket>> MakeCachingOverMemcached(
    const objstore::ObjectMap& objects, const std::string& scratch) {
  static prometheus::Registry* registry = new prometheus::Registry();
  absl::Status s = SharedMemcached::Get().FlushAll();
  if (!s.ok()) return s;
  s = objstore::WriteObjects(scratch, objects);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> fs =
      objstore::FilesystemBucket::Open(scratch);
  if (!fs.ok()) return fs.status();
  std::string yaml =
      absl::StrCat("type: MEMCACHED\nconfig:\n  addresses: [", SharedMemcached::Get().address(),
                   "]\nchunk_subrange_size: 1000\n");
  absl::StatusOr<std::unique_ptr<CachingBucket>> b = NewCachingBucketFromYaml(
      yaml, "conformance.yaml", std::shared_ptr<objstore::Bucket>(std::move(fs).value()),
      IterConfigHash(scratch, ""), *registry);
  if (!b.ok()) return b.status();
  return std::unique_ptr<objstore::Bucket>(std::move(b).value());
}

using objstore::BucketConformanceTest;
INSTANTIATE_TEST_SUITE_P(Memcached, BucketConformanceTest,
                         ::testing::Values(objstore::BucketConformanceParam{
                             "CachingMemcached", MakeCachingOverMemcached}),
                         objstore::BucketConformanceParamName);

absl::StatusOr<std::unique_ptr<Cache>> MakeMemcachedCache() {
  static prometheus::Registry* registry = new prometheus::Registry();
  absl::Status s = SharedMemcached::Get().FlushAll();
  if (!s.ok()) return s;
  // Generous: these tests are about semantics, and a loaded machine may be slow to answer.
  MemcachedClientConfig cfg = ClientConfig({SharedMemcached::Get().address()});
  cfg.timeout = absl::Seconds(5);
  absl::StatusOr<std::unique_ptr<MemcachedClient>> client =
      MemcachedClient::Create("conformance", cfg, *registry);
  if (!client.ok()) return client.status();
  return std::unique_ptr<Cache>(
      std::make_unique<RemoteCache>("conformance", std::move(client).value(), *registry));
}

void SettleMemcached(Cache& c) {
  ASSERT_TRUE(dynamic_cast<RemoteCache&>(c).client().WaitForPendingWrites(absl::Seconds(20)));
}

INSTANTIATE_TEST_SUITE_P(Memcached, CacheConformanceTest,
                         ::testing::Values(CacheConformanceParam{"Memcached", MakeMemcachedCache,
                                                                 SettleMemcached}),
                         CacheConformanceParamName);

constexpr char kBlock[] = "01HQZX3V7W9J5T0G8K2M4N6P8R";

std::unique_ptr<IndexCache> MemcachedIndexCache(const std::string& address,
                                                prometheus::Registry& reg) {
  absl::StatusOr<IndexCacheConfig> c = ParseIndexCacheConfig(
      absl::StrCat("type: MEMCACHED\nconfig:\n  addresses: [", address, "]\n  timeout: 1s\n"),
      "index-cache.yaml");
  EXPECT_TRUE(c.ok()) << c.status();
  absl::StatusOr<std::unique_ptr<IndexCache>> cache = NewIndexCache(*c, "index-cache.yaml", reg);
  EXPECT_TRUE(cache.ok()) << cache.status();
  return std::move(cache).value();
}

TEST(MemcachedIndexCache, TwoCachesShareEntriesAndAnOutageIsOnlyMisses) {
  ASSERT_OK_AND_ASSIGN(auto server, MemcachedServer::Start());
  prometheus::Registry reg1, reg2;
  std::unique_ptr<IndexCache> first = MemcachedIndexCache(server->address(), reg1);
  std::unique_ptr<IndexCache> second = MemcachedIndexCache(server->address(), reg2);
  std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> postings = {
      {{"job", "api"}, {1, 5, 9}}, {{"instance", std::string(400, 'i')}, {2}}};
  first->StorePostings(kBlock, postings);
  first->StoreExpandedPostings(kBlock, "job=\"api\"", std::vector<uint64_t>{16, 80, 144});
  first->StoreSeries(kBlock, {{16, "series-entry"}});
  ASSERT_TRUE(dynamic_cast<RemoteCache&>(first->backend())
                  .client()
                  .WaitForPendingWrites(absl::Seconds(10)));
  std::vector<tsdb::Label> labels = {{"job", "api"}, {"instance", std::string(400, 'i')}};
  EXPECT_THAT(second->FetchMultiPostings(kBlock, labels),
              ::testing::ElementsAre(::testing::Optional(::testing::ElementsAre(1, 5, 9)),
                                     ::testing::Optional(::testing::ElementsAre(2))));
  EXPECT_THAT(second->FetchExpandedPostings(kBlock, "job=\"api\""),
              ::testing::Optional(::testing::ElementsAre(16, 80, 144)));
  EXPECT_THAT(second->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}),
              UnorderedElementsAre(Pair(16, "series-entry")));

  ASSERT_OK(server->Pause());
  EXPECT_THAT(second->FetchMultiPostings(kBlock, labels),
              ::testing::ElementsAre(std::nullopt, std::nullopt));
  ASSERT_OK(server->Resume());
  server->Stop();
  EXPECT_EQ(second->FetchExpandedPostings(kBlock, "job=\"api\""), std::nullopt);
  EXPECT_THAT(second->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}), IsEmpty());
}

}  // namespace
}  // namespace charon::cache
