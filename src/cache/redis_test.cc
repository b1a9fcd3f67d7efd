// The redis client, cache, index cache and caching bucket against real redis servers: the Cache,
// Bucket and remote-backend conformance suites, and what only redis does (Thanos' commands and
// TTLs, AUTH, SELECT and key prefixes, the keys the index cache writes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cache/cache_conformance.h"
#include "cache/cache_conformance_remote.h"
#include "cache/caching_bucket_config.h"
#include "cache/index_cache_config.h"
#include "cache/index_cache_keys.h"
#include "cache/metrics_testing.h"
#include "cache/postings_codec.h"
#include "cache/redis_cache_backend.h"
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

RedisClientConfig ClientConfig(const std::string& addr) { return RedisTestClientConfig(addr); }

RemoteCacheBackend Redis() { return RedisBackend("Redis"); }

INSTANTIATE_TEST_SUITE_P(Redis, RemoteCacheConformanceTest, ::testing::Values(Redis()),
                         RemoteCacheBackendName);

const ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new SharedCacheServer(Redis()));
INSTANTIATE_TEST_SUITE_P(Redis, CacheConformanceTest,
                         ::testing::Values(SharedServerCacheConformance(Redis())),
                         CacheConformanceParamName);
using objstore::BucketConformanceTest;
INSTANTIATE_TEST_SUITE_P(Redis, BucketConformanceTest,
                         ::testing::Values(SharedServerCachingBucketConformance(Redis())),
                         objstore::BucketConformanceParamName);

RedisServer& SharedRedis() { return static_cast<RedisServer&>(SharedCacheServer::Get()); }

TEST(RedisClient, WritesWhatThanosReadsWithTheTtl) {
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto client,
                       RedisClient::Create("test", ClientConfig(SharedRedis().address()), reg));
  client->SetAsync("thanos-readable", "plain value", absl::Milliseconds(90500));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_THAT(SharedRedis().Cli({"GET", "thanos-readable"}), ::charon::testing::IsOk());
  EXPECT_EQ(*SharedRedis().Cli({"GET", "thanos-readable"}), "plain value");
  ASSERT_OK_AND_ASSIGN(std::string ttl, SharedRedis().Cli({"TTL", "thanos-readable"}));
  int seconds = 0;
  ASSERT_TRUE(absl::SimpleAtoi(ttl, &seconds)) << ttl;
  EXPECT_GT(seconds, 85);
  EXPECT_LE(seconds, 91);  // rounded up to whole seconds
  // And what another writer stored is read back.
  ASSERT_OK(SharedRedis().Cli({"SET", "written-elsewhere", "v2"}).status());
  EXPECT_THAT(client->GetMulti({"written-elsewhere", "thanos-readable", "absent"}),
              UnorderedElementsAre(Pair("written-elsewhere", "v2"),
                                   Pair("thanos-readable", "plain value")));
  EXPECT_EQ(
      MetricValue(reg, "thanos_redis_operation_duration_seconds", {{"operation", "getmulti"}}), 1);
  EXPECT_EQ(MetricValue(reg, "thanos_redis_operation_duration_seconds", {{"operation", "set"}}), 1);
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
  EXPECT_EQ(MetricValue(reg, "thanos_redis_operation_failures_total",
                        {{"name", "denied"}, {"reason", "server-error"}}),
            1);
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

TEST(RedisIndexCache, WritesThanosKeysAndValues) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  prometheus::Registry reg;
  std::unique_ptr<IndexCache> first = RedisIndexCache(server->address(), reg);
  std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> postings = {
      {{"job", "api"}, {1, 5, 9}}};
  first->StorePostings(kBlock, postings);
  first->StoreExpandedPostings(kBlock, "job=\"api\"", std::vector<uint64_t>{16, 80, 144});
  first->StoreSeries(kBlock, {{16, "series-entry"}});
  SettleIndex(*first);
  // Under Thanos' remote keys (postings with the codec suffix), values as Thanos writes them.
  ASSERT_OK_AND_ASSIGN(std::string keys, server->Cli({"KEYS", "*"}));
  std::vector<std::string> listed = absl::StrSplit(keys, '\n');
  EXPECT_THAT(listed, UnorderedElementsAre(PostingsKey(kBlock, "job", "api", "dss"),
                                           ExpandedPostingsKey(kBlock, "job=\"api\"", "dss"),
                                           SeriesKey(kBlock, 16)));
  EXPECT_EQ(*server->Cli({"GET", SeriesKey(kBlock, 16)}), "series-entry");
}

}  // namespace
}  // namespace charon::cache
