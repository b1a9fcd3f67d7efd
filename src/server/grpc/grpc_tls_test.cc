// The gRPC server's TLS settings against real clients: `openssl s_client` pinned to one protocol
// version, cipher suite or group, and a gRPC client over TLS. Its own binary: gRPC fixes the
// cipher list once per process, so every server here is made with the same list (kCiphers).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "objstore/http/testing/test_certs.h"
#include "server/grpc/grpc_server.h"
#include "server/grpc/store_client.h"
#include "server/grpc/tls_server_credentials.h"
#include "testing/child_process.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::server::grpc {
namespace {

using ::charon::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// The test certificates are EC P-256, so the TLS 1.2 suites are ECDSA ones.
const std::vector<std::string> kCiphers = {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                                           "TLS_AES_128_GCM_SHA256"};

class EmptyStore final : public store::StoreApi {
 public:
  absl::Status Series(const store::SeriesRequest&, store::SeriesSink&,
                      store::SeriesResult*) override {
    return absl::OkStatus();
  }
  absl::StatusOr<store::LabelsResult> LabelNames(const store::LabelNamesRequest&) override {
    return store::LabelsResult{};
  }
  absl::StatusOr<store::LabelsResult> LabelValues(const store::LabelValuesRequest&) override {
    return store::LabelsResult{};
  }
  store::StoreInfo Info() override { return {}; }
  bool Ready() const override { return true; }
};

class GrpcTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<charon::testing::TempDir> dir = charon::testing::TempDir::Create("grpc-tls");
    ASSERT_OK(dir);
    dir_.emplace(*std::move(dir));
    ASSERT_OK_AND_ASSIGN(certs_, objstore::http::GenerateTestCerts(dir_->path()));
  }

  GrpcServerOptions Options() {
    GrpcServerOptions o;
    o.address = "127.0.0.1:0";
    o.tls_cert_file = certs_.server_cert;
    o.tls_key_file = certs_.server_key;
    o.tls_cipher_suites = kCiphers;
    o.enable_reflection = false;
    return o;
  }

  // One handshake by `openssl s_client` with `args` added; its exit code and output.
  charon::testing::CommandResult Handshake(int port, std::vector<std::string> args) {
    std::vector<std::string> argv = {"openssl",
                                     "s_client",
                                     "-connect",
                                     absl::StrCat("127.0.0.1:", port),
                                     "-CAfile",
                                     certs_.ca_cert,
                                     "-verify_return_error",
                                     "-alpn",
                                     "h2",
                                     "-brief"};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<charon::testing::CommandResult> r = charon::testing::RunCommand(argv, "");
    EXPECT_OK(r) << "openssl must be installed";
    return r.ok() ? *r : charon::testing::CommandResult{-1, "", ""};
  }

  absl::Status GrpcInfo(int port) {
    StoreClientOptions co;
    co.address = absl::StrCat("127.0.0.1:", port);
    co.timeout = absl::Seconds(20);
    co.tls = true;
    co.tls_ca_file = certs_.ca_cert;
    absl::StatusOr<std::unique_ptr<StoreClient>> client = StoreClient::Connect(co);
    if (!client.ok()) return client.status();
    return (*client)->Info().status();
  }

  std::optional<charon::testing::TempDir> dir_;
  objstore::http::TestCerts certs_;
  EmptyStore store_;
};

MATCHER(Served, "a completed handshake") {
  return arg.exit_code == 0 && arg.stderr_text.find("CONNECTION ESTABLISHED") != std::string::npos;
}

TEST_F(GrpcTlsTest, DefaultMinimumRefusesTls12AndServesTls13) {
  GrpcServer server(store_, Options());  // tls_min_version defaults to Thanos' 1.3
  ASSERT_OK(server.Start());
  charon::testing::CommandResult tls12 = Handshake(server.port(), {"-tls1_2"});
  EXPECT_THAT(tls12, Not(Served())) << tls12.stderr_text;
  charon::testing::CommandResult tls13 = Handshake(server.port(), {"-tls1_3"});
  EXPECT_THAT(tls13, Served()) << tls13.stderr_text;
  EXPECT_THAT(tls13.stderr_text, HasSubstr("Protocol version: TLSv1.3"));
  EXPECT_OK(GrpcInfo(server.port()));
}

TEST_F(GrpcTlsTest, MinimumTls12ServesTls12WithTheConfiguredSuitesOnly) {
  GrpcServerOptions o = Options();
  o.tls_min_version = "1.2";
  GrpcServer server(store_, o);
  ASSERT_OK(server.Start());
  charon::testing::CommandResult listed =
      Handshake(server.port(), {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"});
  EXPECT_THAT(listed, Served()) << listed.stderr_text;
  EXPECT_THAT(listed.stderr_text, HasSubstr("Protocol version: TLSv1.2"));
  charon::testing::CommandResult unlisted =
      Handshake(server.port(), {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"});
  EXPECT_THAT(unlisted, Not(Served())) << unlisted.stderr_text;
  EXPECT_OK(GrpcInfo(server.port()));
}

TEST_F(GrpcTlsTest, CurvesWithP256ServeP256Only) {
  GrpcServerOptions o = Options();
  o.tls_curves = {"X25519", "CurveP256"};
  GrpcServer server(store_, o);
  ASSERT_OK(server.Start());
  charon::testing::CommandResult p256 = Handshake(server.port(), {"-groups", "P-256"});
  EXPECT_THAT(p256, Served()) << p256.stderr_text;
  charon::testing::CommandResult x25519 = Handshake(server.port(), {"-groups", "X25519"});
  EXPECT_THAT(x25519, Not(Served())) << x25519.stderr_text;
}

TEST_F(GrpcTlsTest, SettingsThatCannotBeEnforcedStopStart) {
  struct Case {
    std::string name;
    std::function<void(GrpcServerOptions*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"TLS 1.0", [](GrpcServerOptions* o) { o->tls_min_version = "1.0"; }, "cannot be enforced"},
      {"TLS 1.1", [](GrpcServerOptions* o) { o->tls_min_version = "1.1"; }, "cannot be enforced"},
      {"no P-256", [](GrpcServerOptions* o) { o->tls_curves = {"X25519"}; },
       "negotiates P-256 only"},
      {"unknown curve", [](GrpcServerOptions* o) { o->tls_curves = {"P256"}; }, "unknown curve"},
      {"unknown suite", [](GrpcServerOptions* o) { o->tls_cipher_suites = {"RC4"}; },
       "unknown TLS cipher suite \"RC4\""},
      {"TLS 1.3 suites only",
       [](GrpcServerOptions* o) { o->tls_cipher_suites = {"TLS_AES_256_GCM_SHA384"}; },
       "only TLS 1.3 suites"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    GrpcServerOptions o = Options();
    c.mutate(&o);
    EXPECT_THAT(GrpcServer(store_, o).Start(),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
  // gRPC reads the suites once per process: a second, different list cannot take effect.
  GrpcServerOptions o = Options();
  ASSERT_OK(GrpcServer(store_, o).Start());
  o.tls_cipher_suites = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"};
  EXPECT_THAT(GrpcServer(store_, o).Start(),
              StatusIs(absl::StatusCode::kFailedPrecondition, "once per process"));
}

TEST(OpenSslCipherName, MapsGoNames) {
  ASSERT_OK_AND_ASSIGN(std::string tls12,
                       OpenSslCipherName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
  EXPECT_EQ(tls12, "ECDHE-RSA-AES128-GCM-SHA256");
  ASSERT_OK_AND_ASSIGN(std::string tls13, OpenSslCipherName("TLS_CHACHA20_POLY1305_SHA256"));
  EXPECT_EQ(tls13, "");
  EXPECT_THAT(OpenSslCipherName("ECDHE-RSA-AES128-GCM-SHA256"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace charon::server::grpc
