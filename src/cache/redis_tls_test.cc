// The redis client over TLS against a real redis-server serving TLS only (`--port 0
// --tls-port`): the Cache, Bucket and remote-backend conformance suites, the server's certificate
// and name checks (a wrong CA or name is a miss, counted and logged with the address and the
// reason), mutual TLS, AUTH over TLS, and the config errors found at start-up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "cache/cache_conformance.h"
#include "cache/cache_conformance_remote.h"
#include "cache/index_cache_config.h"
#include "cache/metrics_testing.h"
#include "cache/redis_cache_backend.h"
#include "cache/redis_client.h"
#include "cache/redis_connection.h"
#include "cache/remote_cache.h"
#include "objstore/bucket_conformance.h"
#include "objstore/http/testing/test_certs.h"
#include "testing/redis_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cache {
namespace {

using ::charon::testing::RedisServer;
using ::charon::testing::RedisTlsFiles;
using ::charon::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Generated once per binary; the directory lives as long as the process.
const objstore::http::TestCerts& Certs() {
  static const objstore::http::TestCerts* certs = [] {
    static auto* dir = new absl::StatusOr<::charon::testing::TempDir>(
        ::charon::testing::TempDir::Create("redis-tls-certs"));
    EXPECT_TRUE(dir->ok()) << dir->status();
    absl::StatusOr<objstore::http::TestCerts> c = objstore::http::GenerateTestCerts((*dir)->path());
    EXPECT_TRUE(c.ok()) << c.status();
    return new objstore::http::TestCerts(c.value_or(objstore::http::TestCerts{}));
  }();
  return *certs;
}

// A server with the CA's certificate for 127.0.0.1; client certificates are asked for only with
// `auth_clients`.
RedisTlsFiles ServerFiles(bool auth_clients = false) {
  RedisTlsFiles f;
  f.cert_file = Certs().server_cert;
  f.key_file = Certs().server_key;
  f.ca_file = Certs().ca_cert;
  f.auth_clients = auth_clients;
  if (auth_clients) {
    f.client_cert_file = Certs().client_cert;
    f.client_key_file = Certs().client_key;
  }
  return f;
}

config::TlsConfig TrustingTheCa() {
  config::TlsConfig t;
  t.ca_file = Certs().ca_cert;
  return t;
}

RemoteCacheBackend RedisTls() {
  return RedisBackend("RedisTls", {{ServerFiles(), TrustingTheCa()}});
}

INSTANTIATE_TEST_SUITE_P(RedisTls, RemoteCacheConformanceTest, ::testing::Values(RedisTls()),
                         RemoteCacheBackendName);

const ::testing::Environment* const kEnv =
    ::testing::AddGlobalTestEnvironment(new SharedCacheServer(RedisTls()));
INSTANTIATE_TEST_SUITE_P(RedisTls, CacheConformanceTest,
                         ::testing::Values(SharedServerCacheConformance(RedisTls())),
                         CacheConformanceParamName);
using objstore::BucketConformanceTest;
INSTANTIATE_TEST_SUITE_P(RedisTls, BucketConformanceTest,
                         ::testing::Values(SharedServerCachingBucketConformance(RedisTls())),
                         objstore::BucketConformanceParamName);

RedisServer& SharedRedis() { return static_cast<RedisServer&>(SharedCacheServer::Get()); }

// Whether a client with `tls` stores and reads back a value on `server`.
bool RoundTrips(const RedisServer& server, const config::TlsConfig& tls, prometheus::Registry& reg,
                const std::string& name = "test") {
  absl::StatusOr<std::unique_ptr<RedisClient>> client =
      RedisClient::Create(name, RedisTestClientConfig(server.address(), tls), reg);
  EXPECT_TRUE(client.ok()) << client.status();
  if (!client.ok()) return false;
  (*client)->SetAsync("round-trip", "v", absl::Minutes(1));
  EXPECT_TRUE((*client)->WaitForPendingWrites(absl::Seconds(10)));
  return !(*client)->GetMulti({"round-trip"}).empty();
}

// The first reply on a new connection with `tls` (its handshake and a PING).
absl::Status PingStatus(const RedisServer& server, const config::TlsConfig& tls) {
  absl::StatusOr<std::unique_ptr<TlsClientContext>> ctx = TlsClientContext::Create(tls, "tls");
  if (!ctx.ok()) return ctx.status();
  RedisConnectionOptions o;
  o.dial_timeout = o.read_timeout = o.write_timeout = absl::Seconds(5);
  o.tls = ctx->get();
  absl::StatusOr<std::unique_ptr<RedisConnection>> c =
      RedisConnection::Connect(server.address(), "127.0.0.1", server.port(), o);
  if (!c.ok()) return c.status();
  absl::StatusOr<RedisReply> r = (*c)->Command({"PING"});
  if (!r.ok()) return r.status();
  if ((*r)->type != REDIS_REPLY_STATUS) return absl::UnknownError("PING: not a status reply");
  return absl::OkStatus();
}

TEST(RedisTls, WritesWhatAPlainRedisCliReads) {
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(
      auto client,
      RedisClient::Create("test", RedisTestClientConfig(SharedRedis().address(), TrustingTheCa()),
                          reg));
  client->SetAsync("over-tls", "secret value", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_EQ(*SharedRedis().Cli({"GET", "over-tls"}), "secret value");
  ASSERT_OK(SharedRedis().Cli({"SET", "from-cli", "v2"}).status());
  EXPECT_THAT(client->GetMulti({"from-cli", "over-tls", "absent"}),
              UnorderedElementsAre(Pair("from-cli", "v2"), Pair("over-tls", "secret value")));
}

TEST(RedisTls, ServerCertificateFromAnotherCaIsAMissLoggedWithAddressAndReason) {
  RedisTlsFiles files = ServerFiles();
  files.cert_file = Certs().other_ca_server_cert;
  files.key_file = Certs().other_ca_server_key;
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::StartTls(files));

  absl::Status refused = PingStatus(*server, TrustingTheCa());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable, "certificate verify failed"));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable, server->address()));

  std::ostringstream log;
  base::InitLogging(base::LogOptions{}, &log);
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(
      auto client, RedisClient::Create(
                       "wrong-ca", RedisTestClientConfig(server->address(), TrustingTheCa()), reg));
  EXPECT_THAT(client->GetMulti({"k"}), IsEmpty());
  base::InitLogging(base::LogOptions{});
  EXPECT_EQ(MetricValue(reg, "thanos_redis_operation_failures_total",
                        {{"operation", "getmulti"}, {"reason", "network-error"}}),
            1);
  EXPECT_THAT(log.str(),
              AllOf(HasSubstr("failed to mget items from redis"), HasSubstr(server->address()),
                    HasSubstr("certificate verify failed")));

  // insecure_skip_verify trusts it anyway.
  config::TlsConfig skip = TrustingTheCa();
  skip.insecure_skip_verify = true;
  EXPECT_TRUE(RoundTrips(*server, skip, reg, "skip"));
}

TEST(RedisTls, ServerNameIsCheckedAgainstTheCertificate) {
  // The shared server's certificate names 127.0.0.1 and localhost, not storage.internal.
  config::TlsConfig other_name = TrustingTheCa();
  other_name.server_name = "storage.internal";
  EXPECT_THAT(PingStatus(SharedRedis(), other_name),
              StatusIs(absl::StatusCode::kUnavailable, "certificate verify failed"));
  config::TlsConfig localhost = TrustingTheCa();
  localhost.server_name = "localhost";
  EXPECT_OK(PingStatus(SharedRedis(), localhost));

  // A certificate for storage.internal only: dialed as 127.0.0.1 it fails, with server_name it
  // is accepted.
  RedisTlsFiles files = ServerFiles();
  files.cert_file = Certs().storage_internal_cert;
  files.key_file = Certs().storage_internal_key;
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::StartTls(files));
  EXPECT_THAT(PingStatus(*server, TrustingTheCa()),
              StatusIs(absl::StatusCode::kUnavailable, "certificate verify failed"));
  EXPECT_OK(PingStatus(*server, other_name));
  prometheus::Registry reg;
  EXPECT_TRUE(RoundTrips(*server, other_name, reg));
}

TEST(RedisTls, MutualTlsNeedsAClientCertificateTheServerTrusts) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::StartTls(ServerFiles(/*auth_clients=*/true)));
  prometheus::Registry reg;

  // No client certificate: refused (with TLS 1.3 the refusal arrives with the first reply).
  EXPECT_THAT(PingStatus(*server, TrustingTheCa()),
              StatusIs(absl::StatusCode::kUnavailable, server->address()));
  EXPECT_FALSE(RoundTrips(*server, TrustingTheCa(), reg, "no-cert"));
  EXPECT_GE(MetricValue(reg, "thanos_redis_operation_failures_total",
                        {{"name", "no-cert"}, {"operation", "getmulti"}}),
            1);

  // A certificate from another CA: refused.
  config::TlsConfig other = TrustingTheCa();
  other.cert_file = Certs().other_ca_client_cert;
  other.key_file = Certs().other_ca_client_key;
  EXPECT_THAT(PingStatus(*server, other), StatusIs(absl::StatusCode::kUnavailable));

  config::TlsConfig mtls = TrustingTheCa();
  mtls.cert_file = Certs().client_cert;
  mtls.key_file = Certs().client_key;
  EXPECT_OK(PingStatus(*server, mtls));
  EXPECT_TRUE(RoundTrips(*server, mtls, reg, "mtls"));
}

TEST(RedisTls, AuthenticatesAndSelectsTheDbOverTls) {
  ASSERT_OK_AND_ASSIGN(auto server,
                       RedisServer::StartTls(ServerFiles(), {"--requirepass", "s3cret"}));
  prometheus::Registry reg;
  RedisClientConfig cfg = RedisTestClientConfig(server->address(), TrustingTheCa());
  cfg.password = "s3cret";
  cfg.db = 2;
  ASSERT_OK_AND_ASSIGN(auto client, RedisClient::Create("auth", cfg, reg));
  client->SetAsync("k", "v", absl::Minutes(1));
  ASSERT_TRUE(client->WaitForPendingWrites(absl::Seconds(10)));
  EXPECT_THAT(client->GetMulti({"k"}), UnorderedElementsAre(Pair("k", "v")));
  EXPECT_EQ(*server->Cli({"-a", "s3cret", "--no-auth-warning", "-n", "2", "GET", "k"}), "v");

  RedisClientConfig wrong = cfg;
  wrong.password = "nope";
  ASSERT_OK_AND_ASSIGN(auto denied, RedisClient::Create("denied", wrong, reg));
  EXPECT_THAT(denied->GetMulti({"k"}), IsEmpty());
  EXPECT_EQ(MetricValue(reg, "thanos_redis_operation_failures_total",
                        {{"name", "denied"}, {"reason", "server-error"}}),
            1);
}

TEST(RedisTls, IndexCacheFromThanosYaml) {
  ASSERT_OK_AND_ASSIGN(
      IndexCacheConfig config,
      ParseIndexCacheConfig(absl::StrCat("type: REDIS\nconfig:\n  addr: ", SharedRedis().address(),
                                         "\n", RedisTlsYaml(TrustingTheCa())),
                            "index-cache.yaml"));
  prometheus::Registry reg;
  ASSERT_OK_AND_ASSIGN(auto cache, NewIndexCache(config, "index-cache.yaml", reg));
  cache->StoreSeries("01HQZX3V7W9J5T0G8K2M4N6P8R", {{16, "series-entry"}});
  ASSERT_TRUE(dynamic_cast<RemoteCache&>(cache->backend())
                  .client()
                  .WaitForPendingWrites(absl::Seconds(10)));
  const uint64_t refs[] = {16};
  EXPECT_THAT(cache->FetchMultiSeries("01HQZX3V7W9J5T0G8K2M4N6P8R", refs),
              UnorderedElementsAre(Pair(16, "series-entry")));
}

TEST(RedisTls, UnusableFilesFailAtStartNamingTheKey) {
  ::charon::testing::TempDir dir = *::charon::testing::TempDir::Create("redis-tls-bad");
  std::string not_pem = dir.Path("not.pem");
  ASSERT_OK(::charon::testing::WriteFile(not_pem, "not a certificate"));
  struct Case {
    std::string name;
    config::TlsConfig tls;
    std::string want;
  };
  config::TlsConfig missing_ca;
  missing_ca.ca_file = dir.Path("absent.pem");
  config::TlsConfig bad_ca;
  bad_ca.ca_file = not_pem;
  config::TlsConfig bad_cert = TrustingTheCa();
  bad_cert.cert_file = not_pem;
  bad_cert.key_file = Certs().client_key;
  config::TlsConfig mismatched = TrustingTheCa();
  mismatched.cert_file = Certs().client_cert;
  mismatched.key_file = Certs().server_key;
  for (const Case& c : std::vector<Case>{
           {"missing ca", missing_ca, "config.tls_config.ca_file: cannot read"},
           {"ca not pem", bad_ca, "config.tls_config.ca_file: " + not_pem},
           {"cert not pem", bad_cert, "config.tls_config.cert_file: " + not_pem},
           {"key of another cert", mismatched, "config.tls_config.key_file: "},
       }) {
    SCOPED_TRACE(c.name);
    prometheus::Registry reg;
    EXPECT_THAT(RedisClient::Create("bad", RedisTestClientConfig("127.0.0.1:1", c.tls), reg),
                StatusIs(absl::StatusCode::kInvalidArgument, c.want));
  }
}

}  // namespace
}  // namespace charon::cache
