#include "cache/index_cache_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "cache/redis_client_config.h"
#include "config/config_error_case.h"
#include "testing/status_matchers.h"

namespace charon::cache {
namespace {

using ::testing::ElementsAre;

TEST(ParseIndexCacheConfig, ReadsThanosYaml) {
  ASSERT_OK_AND_ASSIGN(IndexCacheConfig c, ParseIndexCacheConfig(R"(
type: memcached
config:
  addresses: [127.0.0.1:11211]
enabled_items: [Series, ExpandedPostings]
ttl: 1h
)",
                                                                 "f.yaml"));
  EXPECT_EQ(c.type, "MEMCACHED");
  EXPECT_THAT(c.enabled, ElementsAre(false, true, true));
  EXPECT_EQ(c.ttl, absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(c, ParseIndexCacheConfig("type: IN-MEMORY\nttl: 0s", "f.yaml"));
  EXPECT_THAT(c.enabled, ElementsAre(true, true, true));
  EXPECT_EQ(c.ttl, absl::Hours(24));
}

TEST(ParseIndexCacheConfig, Errors) {
  config::ExpectConfigErrors(
      [](const std::string& yaml) { return ParseIndexCacheConfig(yaml, "f.yaml").status(); },
      {
          {"type: IN-MEMORY\nbogus: 1", "bogus"},
          {"config: {}", "type"},
          {"type: GROUPCACHE", "GROUPCACHE"},
          {"type: REDIS\nenabled_items: [Chunks]", "Chunks"},
          {"type: REDIS\nttl: -1s", "ttl"},
          {"type: [", "f.yaml"},
      });
}

TEST(NewIndexCache, BackendErrorsNameTheSource) {
  auto status_of = [](const std::string& yaml) {
    absl::StatusOr<IndexCacheConfig> config = ParseIndexCacheConfig(yaml, "f.yaml");
    if (!config.ok())
      return absl::InternalError(absl::StrCat("parse: ", config.status().message()));
    prometheus::Registry reg;
    return NewIndexCache(*config, "f.yaml", reg).status();
  };
  config::ExpectConfigErrors(
      status_of,
      {
          {"type: IN-MEMORY\nconfig: {max_size: 1KB, max_item_size: 2KB}", "max item size"},
          {"type: MEMCACHED\nconfig: {addresses: []}", "no memcached addresses"},
          {"type: REDIS\nconfig: {}", "no redis addr"},
          {"type: REDIS\nconfig: {addr: 'a:1,b:2'}", "cluster", absl::StatusCode::kUnimplemented},
          {"type: REDIS\nconfig: {addr: 'a:1', master_name: m}", "sentinel",
           absl::StatusCode::kUnimplemented},
          {"type: REDIS\nconfig: {addr: 'a:1', tls_enabled: true, tls_config: {cert_file: c}}",
           "cert_file is set without key_file"},
          {"type: REDIS\nconfig: {addr: 'a:1', tls_enabled: true, tls_config: {ca_file: /no/ca}}",
           "cannot read /no/ca"},
          {"type: REDIS\nconfig: {addr: nohost}", "host:port"},
          {"type: REDIS\nconfig: {addr: 'a:1', db: x}", "db"},
      },
      "f.yaml");
}

TEST(NewIndexCache, BuildsEachBackend) {
  for (const char* yaml : {"type: IN-MEMORY\nconfig: {max_size: 1MB, max_item_size: 1MB}",
                           "type: MEMCACHED\nconfig: {addresses: ['127.0.0.1:1']}",
                           "type: REDIS\nconfig: {addr: '127.0.0.1:1', db: 2, prefix: 'p:'}"}) {
    SCOPED_TRACE(yaml);
    ASSERT_OK_AND_ASSIGN(IndexCacheConfig config, ParseIndexCacheConfig(yaml, "f.yaml"));
    prometheus::Registry reg;
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<IndexCache> cache, NewIndexCache(config, "f.yaml", reg));
    EXPECT_EQ(cache->backend().Name(), "index-cache");
  }
}

}  // namespace
}  // namespace charon::cache
