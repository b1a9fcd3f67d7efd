// The redis client, cache, index cache and caching bucket against real redis servers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cache/cache_conformance.h"
#include "cache/caching_bucket_config.h"
#include "cache/index_cache_config.h"
#include "cache/index_cache_keys.h"
#include "cache/postings_codec.h"
#include "cache/redis_client.h"
#include "cache/remote_cache.h"
#include "objstore/bucket_conformance.h"
#include "objstore/counting_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "testing/redis_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cache {
namespace {

using ::charon::testing::RedisServer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// One redis shared by the tests that do not stop it, started once per binary.
class SharedRedis : public ::testing::Environment {
 public:
  static RedisServer& Get() { return *server_; }
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RedisServer>> s = RedisServer::Start();
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(s).value();
  }
  void TearDown() override { server_.reset(); }

 private:
  static inline std::unique_ptr<RedisServer> server_;
};
const ::testing::Environment* const kEnv = ::testing::AddGlobalTestEnvironment(new SharedRedis);

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
      if (match) sum += m.counter.value + m.histogram.sample_count;
    }
  }
  return sum;
}

RedisClientConfig ClientConfig(const std::string& addr) {
  RedisClientConfig c;
  c.addr = addr;
  c.dial_timeout = absl::Milliseconds(200);
  c.read_timeout = absl::Milliseconds(200);
  c.write_timeout = absl::Milliseconds(200);
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

absl::StatusOr<std::unique_ptr<Cache>> MakeRedisCache() {
  static prometheus::Registry* registry = new prometheus::Registry();
  absl::StatusOr<std::string> flushed = SharedRedis::Get().Cli({"FLUSHALL"});
  if (!flushed.ok()) return flushed.status();
  // Generous: these tests are about semantics, and a loaded machine may be slow to answer.
  RedisClientConfig cfg = ClientConfig(SharedRedis::Get().address());
  cfg.dial_timeout = cfg.read_timeout = cfg.write_timeout = absl::Seconds(5);
  absl::StatusOr<std::unique_ptr<RedisClient>> client =
      RedisClient::Create("conformance", cfg, *registry);
  if (!client.ok()) return client.status();
  return std::unique_ptr<Cache>(
      std::make_unique<RemoteCache>("conformance", std::move(client).value(), *registry));
}

void SettleRedis(Cache& c) {
  ASSERT_TRUE(dynamic_cast<RemoteCache&>(c).client().WaitForPendingWrites(absl::Seconds(20)));
}

INSTANTIATE_TEST_SUITE_P(Redis, CacheConformanceTest,
                         ::testing::Values(CacheConformanceParam{"Redis", MakeRedisCache,
                                                                 SettleRedis}),
                         CacheConformanceParamName);

TEST(RedisClient, WritesWhatThanosReadsWithTheTtl) {
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(
      auto client, RedisClient::Create("test", ClientConfig(SharedRedis::Get().address()), reg));
  client->SetAsync("thanos-readable", "plain value", absl::Milliseconds(90500));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_THAT(SharedRedis::Get().Cli({"GET", "thanos-readable"}), ::charon::testing::IsOk());
  EXPECT_EQ(*SharedRedis::Get().Cli({"GET", "thanos-readable"}), "plain value");
  ASSERT_OK_AND_ASSIGN(std::string ttl, SharedRedis::Get().Cli({"TTL", "thanos-readable"}));
  int seconds = 0;
  ASSERT_TRUE(absl::SimpleAtoi(ttl, &seconds)) << ttl;
  EXPECT_GT(seconds, 85);
  EXPECT_LE(seconds, 91);  // rounded up to whole seconds
  // And what another writer stored is read back.
  ASSERT_OK(SharedRedis::Get().Cli({"SET", "written-elsewhere", "v2"}).status());
  EXPECT_THAT(client->GetMulti({"written-elsewhere", "thanos-readable", "absent"}),
              UnorderedElementsAre(Pair("written-elsewhere", "v2"),
                                   Pair("thanos-readable", "plain value")));
  EXPECT_EQ(Value(reg, "thanos_redis_operation_duration_seconds", {{"operation", "getmulti"}}), 1);
  EXPECT_EQ(Value(reg, "thanos_redis_operation_duration_seconds", {{"operation", "set"}}), 1);
}

TEST(RedisClient, BatchesKeysInPipelinedMgets) {
  prometheus::Registry reg;
  RedisClientConfig cfg = ClientConfig(SharedRedis::Get().address());
  cfg.get_multi_batch_size = 7;
  ASSERT_OK_AND_ASSIGN(auto client, RedisClient::Create("batch", cfg, reg));
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) {
    keys.push_back(absl::StrCat("batch-", i));
    if (i % 2 == 0) client->SetAsync(keys.back(), absl::StrCat(i), absl::Minutes(1));
  }
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  auto hits = client->GetMulti(keys);
  EXPECT_EQ(hits.size(), 25u);
  EXPECT_EQ(hits["batch-48"], "48");
  EXPECT_EQ(hits.count("batch-49"), 0u);
}

TEST(RedisClient, AuthenticatesSelectsTheDbAndPrefixesKeys) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start({"--requirepass", "s3cret", "--user",
                                                        "charon", "on", ">pw", "~*", "+@all"}));
  prometheus::Registry reg;
  RedisClientConfig cfg = ClientConfig(server->address());
  cfg.password = "s3cret";
  cfg.db = 3;
  cfg.prefix = "team-a:";
  ASSERT_OK_AND_ASSIGN(auto client, RedisClient::Create("auth", cfg, reg));
  client->SetAsync("k", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_THAT(client->GetMulti({"k"}), UnorderedElementsAre(Pair("k", "v")));
  EXPECT_EQ(*server->Cli({"-a", "s3cret", "--no-auth-warning", "-n", "3", "GET", "team-a:k"}), "v");
  EXPECT_EQ(*server->Cli({"-a", "s3cret", "--no-auth-warning", "-n", "0", "EXISTS", "team-a:k"}),
            "0");

  // An ACL user (username + password).
  RedisClientConfig acl = ClientConfig(server->address());
  acl.username = "charon";
  acl.password = "pw";
  acl.db = 3;
  ASSERT_OK_AND_ASSIGN(auto user, RedisClient::Create("acl", acl, reg));
  EXPECT_THAT(user->GetMulti({"team-a:k"}), UnorderedElementsAre(Pair("team-a:k", "v")));

  // A wrong password: every call is a miss, counted as a server error.
  RedisClientConfig wrong = cfg;
  wrong.password = "nope";
  ASSERT_OK_AND_ASSIGN(auto denied, RedisClient::Create("denied", wrong, reg));
  EXPECT_THAT(denied->GetMulti({"k"}), IsEmpty());
  EXPECT_EQ(Value(reg, "thanos_redis_operation_failures_total",
                  {{"name", "denied"}, {"reason", "server-error"}}),
            1);
}

TEST(RedisClient, StoppedServerIsAMissAndComesBack) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto client,
                       RedisClient::Create("down", ClientConfig(server->address()), reg));
  client->SetAsync("k", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  ASSERT_EQ(client->GetMulti({"k"}).size(), 1u);

  server->Stop();
  EXPECT_THAT(client->GetMulti({"k"}), IsEmpty());  // a pooled connection, now broken
  EXPECT_THAT(client->GetMulti({"k"}), IsEmpty());  // a new connection, refused
  client->SetAsync("k2", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_GE(Value(reg, "thanos_redis_operation_failures_total",
                  {{"operation", "getmulti"}, {"reason", "network-error"}}),
            2);
  EXPECT_GE(Value(reg, "thanos_redis_operation_failures_total", {{"operation", "set"}}), 1);

  ASSERT_OK(server->Restart());
  EXPECT_TRUE(Eventually([&] {
    client->SetAsync("k3", "v3", absl::Minutes(1));
    client->WaitForPendingWrites(absl::Seconds(5));
    return client->GetMulti({"k3"}).size() == 1;
  }));
}

TEST(RedisClient, PausedServerIsAMissNotAHang) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto client,
                       RedisClient::Create("paused", ClientConfig(server->address()), reg));
  client->SetAsync("k", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  ASSERT_EQ(client->GetMulti({"k"}).size(), 1u);

  ASSERT_OK(server->Pause());
  // Each of these returns after the 200ms timeout; a hang would trip the test's time limit.
  for (int i = 0; i < 3; ++i) EXPECT_THAT(client->GetMulti({"k", "other"}), IsEmpty());
  client->SetAsync("k2", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_GE(Value(reg, "thanos_redis_operation_failures_total",
                  {{"operation", "getmulti"}, {"reason", "timeout"}}),
            3);

  ASSERT_OK(server->Resume());
  EXPECT_TRUE(Eventually([&] { return client->GetMulti({"k"}).size() == 1; }));
}

TEST(RedisClient, FullWriteQueueDropsAndCounts) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  prometheus::Registry reg;
  RedisClientConfig cfg = ClientConfig(server->address());
  cfg.max_async_buffer_size = 2;
  cfg.max_async_concurrency = 1;
  ASSERT_OK_AND_ASSIGN(auto client, RedisClient::Create("full", cfg, reg));
  ASSERT_OK(server->Pause());  // the single writer blocks on its first write
  for (int i = 0; i < 10; ++i) client->SetAsync(absl::StrCat("q", i), "v", absl::Minutes(1));
  EXPECT_GE(Value(reg, "thanos_redis_operation_skipped_total",
                  {{"operation", "set"}, {"reason", "async-buffer-full"}}),
            7);
  ASSERT_OK(server->Resume());
}

constexpr char kBlock[] = "01HQZX3V7W9J5T0G8K2M4N6P8R";

std::unique_ptr<IndexCache> RedisIndexCache(const std::string& addr, prometheus::Registry& reg) {
  absl::StatusOr<IndexCacheConfig> c = ParseIndexCacheConfig(
      absl::StrCat("type: REDIS\nconfig:\n  addr: ", addr,
                   "\n  read_timeout: 1s\n  dial_timeout: 1s\n  write_timeout: 1s\n"),
      "index-cache.yaml");
  EXPECT_TRUE(c.ok()) << c.status();
  absl::StatusOr<std::unique_ptr<IndexCache>> cache = NewIndexCache(*c, "index-cache.yaml", reg);
  EXPECT_TRUE(cache.ok()) << cache.status();
  return std::move(cache).value();
}

void SettleIndex(IndexCache& c) {
  ASSERT_TRUE(
      dynamic_cast<RemoteCache&>(c.backend()).client().WaitForPendingWrites(absl::Seconds(10)));
}

TEST(RedisIndexCache, WritesThanosKeysAndValuesThatTwoStoresShare) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  prometheus::Registry reg1, reg2;
  std::unique_ptr<IndexCache> first = RedisIndexCache(server->address(), reg1);
  std::unique_ptr<IndexCache> second = RedisIndexCache(server->address(), reg2);
  std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> postings = {
      {{"job", "api"}, {1, 5, 9}}};
  first->StorePostings(kBlock, postings);
  first->StoreExpandedPostings(kBlock, "job=\"api\"", std::vector<uint64_t>{16, 80, 144});
  first->StoreSeries(kBlock, {{16, "series-entry"}});
  SettleIndex(*first);
  // Under Thanos' remote keys (postings with the codec suffix) ...
  ASSERT_OK_AND_ASSIGN(std::string keys, server->Cli({"KEYS", "*"}));
  std::vector<std::string> listed = absl::StrSplit(keys, '\n');
  EXPECT_THAT(listed, UnorderedElementsAre(PostingsKey(kBlock, "job", "api", "dss"),
                                           ExpandedPostingsKey(kBlock, "job=\"api\"", "dss"),
                                           SeriesKey(kBlock, 16)));
  EXPECT_EQ(*server->Cli({"GET", SeriesKey(kBlock, 16)}), "series-entry");
  // ... and read by another store.
  std::vector<tsdb::Label> labels = {{"job", "api"}};
  EXPECT_THAT(second->FetchMultiPostings(kBlock, labels),
              ElementsAre(Optional(ElementsAre(1, 5, 9))));
  EXPECT_THAT(second->FetchExpandedPostings(kBlock, "job=\"api\""),
              Optional(ElementsAre(16, 80, 144)));
  EXPECT_THAT(second->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}),
              UnorderedElementsAre(Pair(16, "series-entry")));
  EXPECT_EQ(Value(reg2, "thanos_store_index_cache_hits_total", {}), 3);

  // A server that stops or hangs mid-use is a miss for everyone, never an error.
  ASSERT_OK(server->Pause());
  EXPECT_THAT(second->FetchMultiPostings(kBlock, labels), ElementsAre(std::nullopt));
  ASSERT_OK(server->Resume());
  server->Stop();
  EXPECT_EQ(second->FetchExpandedPostings(kBlock, "job=\"api\""), std::nullopt);
  EXPECT_THAT(second->FetchMultiSeries(kBlock, std::vector<uint64_t>{16}), IsEmpty());
}

// The caching bucket with type REDIS.
TEST(RedisCachingBucket, TwoBucketsShareHitsAndAStoppedRedisIsOnlyMisses) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  ASSERT_OK_AND_ASSIGN(::charon::testing::TempDir dir, ::charon::testing::TempDir::Create("rcb"));
  objstore::ObjectMap objects = {{"01A/chunks/000001", objstore::PseudoRandomBytes(1000, 1)},
                                 {"01A/meta.json", R"({"ulid":"01A"})"}};
  ASSERT_OK(objstore::WriteObjects(dir.path(), objects));
  std::string yaml = absl::StrCat("type: redis\nconfig:\n  addr: ", server->address(),
                                  "\n  read_timeout: 1s\nchunk_subrange_size: 100\n");
  auto make = [&](prometheus::Registry& reg, std::shared_ptr<objstore::CountingBucket>* counting) {
    absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> fs =
        objstore::FilesystemBucket::Open(dir.path());
    EXPECT_TRUE(fs.ok());
    *counting = std::make_shared<objstore::CountingBucket>(
        std::unique_ptr<objstore::Bucket>(std::move(fs).value()));
    auto b = NewCachingBucketFromYaml(yaml, "test.yaml", *counting, "1", reg);
    EXPECT_TRUE(b.ok()) << b.status();
    return std::move(b).value();
  };
  auto read = [&](CachingBucket& b) {
    ASSERT_OK_AND_ASSIGN(std::string range, b.GetRange("01A/chunks/000001", 150, 500));
    EXPECT_EQ(range, objects["01A/chunks/000001"].substr(150, 500));
    ASSERT_OK_AND_ASSIGN(std::string meta, b.Get("01A/meta.json"));
    EXPECT_EQ(meta, objects["01A/meta.json"]);
  };
  prometheus::Registry reg1, reg2;
  std::shared_ptr<objstore::CountingBucket> c1, c2;
  auto first = make(reg1, &c1);
  read(*first);
  EXPECT_GT(c1->TotalCalls(), 0);
  ASSERT_TRUE(
      dynamic_cast<RemoteCache&>(first->cache()).client().WaitForPendingWrites(absl::Seconds(10)));
  auto second = make(reg2, &c2);
  read(*second);
  EXPECT_EQ(c2->TotalCalls(), 0);
  server->Stop();
  c2->Reset();
  read(*second);
  EXPECT_GT(c2->TotalCalls(), 0);
}

// The Bucket conformance suite through a redis caching bucket (flushed before each test).
absl::StatusOr<std::unique_ptr<objstore::Bucket>> MakeCachingOverRedis(
    const objstore::ObjectMap& objects, const std::string& scratch) {
  static prometheus::Registry* registry = new prometheus::Registry();
  absl::StatusOr<std::string> flushed = SharedRedis::Get().Cli({"FLUSHALL"});
  if (!flushed.ok()) return flushed.status();
  absl::Status s = objstore::WriteObjects(scratch, objects);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> fs =
      objstore::FilesystemBucket::Open(scratch);
  if (!fs.ok()) return fs.status();
  std::string yaml = absl::StrCat("type: REDIS\nconfig:\n  addr: ", SharedRedis::Get().address(),
                                  "\nchunk_subrange_size: 1000\n");
  absl::StatusOr<std::unique_ptr<CachingBucket>> b = NewCachingBucketFromYaml(
      yaml, "conformance.yaml", std::shared_ptr<objstore::Bucket>(std::move(fs).value()),
      IterConfigHash(scratch, ""), *registry);
  if (!b.ok()) return b.status();
  return std::unique_ptr<objstore::Bucket>(std::move(b).value());
}

using objstore::BucketConformanceTest;
INSTANTIATE_TEST_SUITE_P(Redis, BucketConformanceTest,
                         ::testing::Values(objstore::BucketConformanceParam{"CachingRedis",
                                                                            MakeCachingOverRedis}),
                         objstore::BucketConformanceParamName);

}  // namespace
}  // namespace charon::cache
