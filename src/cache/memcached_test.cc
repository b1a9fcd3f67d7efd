// The memcached client, cache and caching bucket against real memcached servers: the Cache,
// Bucket and remote-backend conformance suites, and what only memcached does (key checks, item
// size limit, batches per server, server selection).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cache/cache_conformance.h"
#include "cache/cache_conformance_remote.h"
#include "cache/caching_bucket_config.h"
#include "cache/index_cache_config.h"
#include "cache/memcached_client.h"
#include "cache/memcached_servers.h"
#include "cache/metrics_testing.h"
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
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

MemcachedClientConfig ClientConfig(std::vector<std::string> addresses) {
  MemcachedClientConfig c;
  c.addresses = std::move(addresses);
  c.timeout = absl::Milliseconds(200);
  return c;
}

TEST(MemcachedClient, StoresAndFetches) {
  prometheus::Registry reg;
  MemcachedClientConfig cfg = ClientConfig({SharedCacheServer::Get().address()});
  cfg.max_item_size = 1000;
  ASSERT_OK_AND_ASSIGN(auto client, MemcachedClient::Create("test", cfg, reg));
  client->SetAsync("k1", "v1", absl::Minutes(1));
  client->SetAsync("k2", std::string(1000, 'x'), absl::Minutes(1));
  client->SetAsync("too-big", std::string(1001, 'x'), absl::Minutes(1));
  client->SetAsync("bad key", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  auto hits = client->GetMulti({"k1", "k2", "too-big", "absent", "bad key"});
  EXPECT_THAT(hits, UnorderedElementsAre(Pair("k1", "v1"), Pair("k2", std::string(1000, 'x'))));
  EXPECT_EQ(MetricValue(reg, "thanos_memcached_operation_skipped_total",
                        {{"name", "test"}, {"operation", "set"}, {"reason", "max-item-size"}}),
            1);
  EXPECT_EQ(MetricValue(reg, "thanos_memcached_operation_failures_total",
                        {{"operation", "set"}, {"reason", "malformed-key"}}),
            1);
  EXPECT_EQ(MetricValue(reg, "thanos_memcached_operation_failures_total",
                        {{"operation", "getmulti"}, {"reason", "malformed-key"}}),
            1);
  EXPECT_EQ(MetricValue(reg, "thanos_memcached_operations_total", {{"operation", "set"}}), 2);
  EXPECT_EQ(MetricValue(reg, "thanos_memcached_operations_total", {{"operation", "getmulti"}}), 1);
}

TEST(MemcachedClient, BatchesRespectTheBatchSize) {
  prometheus::Registry reg;
  MemcachedClientConfig cfg = ClientConfig({SharedCacheServer::Get().address()});
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
  EXPECT_EQ(MetricValue(reg, "thanos_memcached_operations_total", {{"operation", "getmulti"}}), 4);
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

RemoteCacheBackend Memcached() {
  RemoteCacheBackend b;
  b.name = "Memcached";
  b.type = "MEMCACHED";
  b.start = []() -> absl::StatusOr<std::unique_ptr<::charon::testing::CacheServer>> {
    absl::StatusOr<std::unique_ptr<MemcachedServer>> s = MemcachedServer::Start();
    if (!s.ok()) return s.status();
    return std::unique_ptr<::charon::testing::CacheServer>(std::move(s).value());
  };
  b.client = [](const RemoteClientOptions& o,
                prometheus::Registry& reg) -> absl::StatusOr<std::unique_ptr<RemoteClient>> {
    MemcachedClientConfig cfg = ClientConfig({o.address});
    cfg.timeout = o.timeout;
    if (o.max_async_buffer_size > 0) cfg.max_async_buffer_size = o.max_async_buffer_size;
    if (o.max_async_concurrency > 0) cfg.max_async_concurrency = o.max_async_concurrency;
    if (o.get_multi_batch_size > 0) cfg.max_get_multi_batch_size = o.get_multi_batch_size;
    absl::StatusOr<std::unique_ptr<MemcachedClient>> c = MemcachedClient::Create("test", cfg, reg);
    if (!c.ok()) return c.status();
    return std::unique_ptr<RemoteClient>(std::move(c).value());
  };
  b.config_yaml = [](const std::string& address) {
    return absl::StrCat("  addresses: [", address, "]\n  timeout: 1s\n");
  };
  return b;
}

INSTANTIATE_TEST_SUITE_P(Memcached, RemoteCacheConformanceTest, ::testing::Values(Memcached()),
                         RemoteCacheBackendName);

const ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new SharedCacheServer(Memcached()));
INSTANTIATE_TEST_SUITE_P(Memcached, CacheConformanceTest,
                         ::testing::Values(SharedServerCacheConformance(Memcached())),
                         CacheConformanceParamName);
using objstore::BucketConformanceTest;
INSTANTIATE_TEST_SUITE_P(Memcached, BucketConformanceTest,
                         ::testing::Values(SharedServerCachingBucketConformance(Memcached())),
                         objstore::BucketConformanceParamName);

}  // namespace
}  // namespace charon::cache
