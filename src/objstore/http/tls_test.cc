// The HTTP client's TLS settings (`http_config.tls_config` and `http_config.insecure_skip_verify`)
// against TestHttpServer in TLS mode, with certificates generated for the test run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "objstore/http/http_client.h"
#include "objstore/http/testing/client_test_util.h"
#include "objstore/http/testing/test_certs.h"
#include "objstore/http/testing/test_http_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore::http {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// How long a test waits for the server to see a handshake the client already gave up.
constexpr absl::Duration kServerSideWait = absl::Seconds(5);

// The message of a failed result, "" for a success.
std::string Message(const absl::StatusOr<HttpResponse>& r) {
  return std::string(r.status().message());
}

class TlsTest : public ::testing::Test {
 protected:
  // Certificates are generated once for all tests of the suite.
  static void SetUpTestSuite() {
    auto dir = charon::testing::TempDir::Create("charon-tls-test");
    ASSERT_THAT(dir, IsOk());
    dir_.emplace(*std::move(dir));
    auto certs = GenerateTestCerts(dir_->path());
    ASSERT_THAT(certs, IsOk());
    certs_ = *std::move(certs);
  }
  static void TearDownTestSuite() {
    certs_.reset();
    dir_.reset();
  }

  void SetUp() override { ASSERT_TRUE(certs_.has_value()) << "certificate generation failed"; }

  static const TestCerts& certs() { return *certs_; }

  // The server certificate for 127.0.0.1 and localhost.
  static TlsServerOptions ServerCert() {
    return {.cert_file = certs().server_cert, .key_file = certs().server_key};
  }
  // The certificate valid only for storage.internal.
  static TlsServerOptions StorageInternalCert() {
    return {.cert_file = certs().storage_internal_cert, .key_file = certs().storage_internal_key};
  }
  static HttpConfig TrustingTheCa() {
    HttpConfig c;
    c.tls_config.ca_file = certs().ca_cert;
    return c;
  }

  static std::unique_ptr<TestHttpServer> StartTls(const TlsServerOptions& tls,
                                                  TestHttpServer::Handler handler = Hello) {
    return StartTestServer(std::move(handler), tls);
  }

 private:
  static inline std::optional<charon::testing::TempDir> dir_;
  static inline std::optional<TestCerts> certs_;
};

TEST_F(TlsTest, ServerUrlIsHttps) {
  auto server = StartTls(ServerCert());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->url(), absl::StrCat("https://127.0.0.1:", server->port()));
}

TEST_F(TlsTest, CaFileVerifiesTheServer) {
  auto server = StartTls(ServerCert());
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  ExpectHello(*client, *server, "/obj");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].Header("host"), absl::StrCat("127.0.0.1:", server->port()));
  // No SNI for an IP address (RFC 6066).
  EXPECT_EQ(server->requests()[0].sni, "");
  EXPECT_EQ(server->failed_handshakes(), 0);
}

TEST_F(TlsTest, LocalhostMatchesTheDnsName) {
  auto server = StartTls(ServerCert());
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  ASSERT_OK_AND_ASSIGN(HttpResponse resp,
                       client->Do(Get(absl::StrCat("https://localhost:", server->port(), "/o"))));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "hello /o");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].sni, "localhost");
}

TEST_F(TlsTest, UnknownCaIsRejectedAndNotRetried) {
  auto server = StartTls(ServerCert());
  ASSERT_NE(server, nullptr);
  // No ca_file: the system roots, which do not include the test CA. Three attempts allowed, but a
  // certificate problem is not retried.
  auto client = NewTestClient(HttpConfig{}, FastRetries(3));
  auto result = client->Do(Get(server->url() + "/obj?token=s3cr3t"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, "GET " + server->url() + "/obj: "));
  EXPECT_THAT(Message(result), HasSubstr("certificate"));
  EXPECT_THAT(Message(result), Not(HasSubstr("s3cr3t")));
  ASSERT_TRUE(server->WaitForFailedHandshakes(1, kServerSideWait));
  EXPECT_THAT(server->handshake_errors()[0], HasSubstr("unknown ca"));
  EXPECT_EQ(server->accepted_connections(), 1);
  EXPECT_THAT(server->requests(), IsEmpty());

  // The server goes on serving after the failed handshake.
  auto trusting = NewTestClient(TrustingTheCa());
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, trusting->Do(Get(server->url() + "/again")));
  EXPECT_EQ(resp.body, "hello /again");
}

TEST_F(TlsTest, CaFileDoesNotTrustAnotherCa) {
  // Right names, wrong issuer.
  auto server = StartTls(
      {.cert_file = certs().other_ca_server_cert, .key_file = certs().other_ca_server_key});
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  auto result = client->Do(Get(server->url() + "/obj"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, "certificate"));
  ASSERT_TRUE(server->WaitForFailedHandshakes(1, kServerSideWait));
  EXPECT_THAT(server->handshake_errors()[0], HasSubstr("unknown ca"));
  EXPECT_THAT(server->requests(), IsEmpty());
}

TEST_F(TlsTest, InsecureSkipVerifyInTlsConfigOrAtTopLevel) {
  // The storage.internal certificate on 127.0.0.1, and no ca_file: both the issuer and the name
  // are wrong, and neither is checked, whichever of the two keys is set.
  auto server = StartTls(StorageInternalCert());
  ASSERT_NE(server, nullptr);
  HttpConfig in_tls_config;
  in_tls_config.tls_config.insecure_skip_verify = true;
  HttpConfig at_top_level;
  at_top_level.insecure_skip_verify = true;
  for (const HttpConfig& config : {in_tls_config, at_top_level}) {
    auto client = NewTestClient(config);
    ASSERT_NE(client, nullptr);
    ExpectHello(*client, *server, "/obj");
  }
  EXPECT_EQ(server->failed_handshakes(), 0);
}

TEST_F(TlsTest, ServerNameIsCheckedAndSentWhileHostStaysTheUrls) {
  auto server = StartTls(StorageInternalCert());
  ASSERT_NE(server, nullptr);
  HttpConfig config = TrustingTheCa();
  config.tls_config.server_name = "storage.internal";
  auto client = NewTestClient(config);
  // The connection is kept across requests with server_name too.
  ExpectSequentialCallsShareOneConnection(*client, *server, 3);
  for (const RecordedRequest& r : server->requests()) {
    EXPECT_EQ(r.Header("host"), absl::StrCat("127.0.0.1:", server->port()));
    EXPECT_EQ(r.sni, "storage.internal");
  }
}

TEST_F(TlsTest, NameMismatchFailsWithoutServerName) {
  auto server = StartTls(StorageInternalCert());
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa(), FastRetries(3));
  auto result = client->Do(Get(server->url() + "/obj"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, "127.0.0.1"));
  EXPECT_THAT(Message(result), HasSubstr("certificate subject name"));
  EXPECT_THAT(server->requests(), IsEmpty());
  EXPECT_EQ(server->accepted_connections(), 1);  // not retried
}

TEST_F(TlsTest, ServerNameTheCertificateDoesNotHaveFails) {
  auto server = StartTls(StorageInternalCert());
  ASSERT_NE(server, nullptr);
  HttpConfig config = TrustingTheCa();
  config.tls_config.server_name = "other.internal";
  auto client = NewTestClient(config);
  auto result = client->Do(Get(server->url() + "/obj"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, "other.internal"));
  EXPECT_THAT(server->requests(), IsEmpty());
}

// Sets an environment variable for its lifetime, then restores what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    const char* old = std::getenv(name);
    if (old != nullptr) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_.has_value()) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_F(TlsTest, ServerNameDoesNotGetALoopbackHostProxied) {
  auto server = StartTls(StorageInternalCert());
  ASSERT_NE(server, nullptr);
  // A proxy nobody listens on: a proxied request would fail. The URL's host is loopback, which is
  // never proxied, whatever server_name says.
  ScopedEnv proxy("https_proxy", "http://127.0.0.1:9");
  HttpConfig config = TrustingTheCa();
  config.tls_config.server_name = "storage.internal";
  auto client = NewTestClient(config);
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/obj")));
  EXPECT_EQ(resp.body, "hello /obj");
}

TEST_F(TlsTest, ServerNameDoesNotDecideAboutTheProxy) {
  // A plain-HTTP proxy that refuses every CONNECT and records it.
  auto proxy_server =
      TestHttpServer::Start([](const RecordedRequest&) { return TestResponse{.status = 403}; });
  ASSERT_THAT(proxy_server, IsOk());
  ScopedEnv proxy("https_proxy", (*proxy_server)->url());
  // NO_PROXY names server_name, not the URL's host: the request still goes through the proxy, to
  // the URL's host (TLS then names storage.internal inside the tunnel).
  ScopedEnv no_proxy("NO_PROXY", "storage.internal");
  ScopedEnv no_proxy_lower("no_proxy", "storage.internal");
  HttpConfig config = TrustingTheCa();
  config.tls_config.server_name = "storage.internal";
  auto client = NewTestClient(config);
  auto result = client->Do(Get("https://objects.invalid:8443/obj"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, "CONNECT"));
  auto requests = (*proxy_server)->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "CONNECT");
  EXPECT_EQ(requests[0].target, "objects.invalid:8443");
}

TEST_F(TlsTest, ClientCertificateIsRequiredAndVerified) {
  TlsServerOptions tls = ServerCert();
  tls.client_ca_file = certs().ca_cert;
  auto server = StartTls(tls);
  ASSERT_NE(server, nullptr);

  // Without a client certificate.
  auto anonymous = NewTestClient(TrustingTheCa());
  auto result = anonymous->Do(Get(server->url() + "/obj"));
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Message(result), HasSubstr("certificate"));
  ASSERT_TRUE(server->WaitForFailedHandshakes(1, kServerSideWait));
  EXPECT_THAT(server->handshake_errors()[0], HasSubstr("did not return a certificate"));

  // With one another CA issued.
  HttpConfig rogue_config = TrustingTheCa();
  rogue_config.tls_config.cert_file = certs().other_ca_client_cert;
  rogue_config.tls_config.key_file = certs().other_ca_client_key;
  auto rogue = NewTestClient(rogue_config);
  EXPECT_THAT(rogue->Do(Get(server->url() + "/obj")), StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_TRUE(server->WaitForFailedHandshakes(2, kServerSideWait));
  EXPECT_THAT(server->handshake_errors()[1], HasSubstr("certificate verify failed"));
  EXPECT_THAT(server->requests(), IsEmpty());

  // With the CA's client certificate.
  HttpConfig config = TrustingTheCa();
  config.tls_config.cert_file = certs().client_cert;
  config.tls_config.key_file = certs().client_key;
  auto client = NewTestClient(config);
  ExpectHello(*client, *server, "/obj");
  EXPECT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->failed_handshakes(), 2);
}

TEST_F(TlsTest, ReusesOneConnectionForSequentialCalls) {
  auto server = StartTls(ServerCert());
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  ExpectSequentialCallsShareOneConnection(*client, *server, 5);
}

TEST_F(TlsTest, LargeBodiesBothWays) {
  // Several TLS records each way: the server's reads must also drain bytes OpenSSL has buffered.
  std::string up(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < up.size(); ++i) up[i] = static_cast<char>(i * 7 + i / 251);
  auto server = StartTls(ServerCert(), [](const RecordedRequest& r) {
    return TestResponse{.body = std::string(r.body.rbegin(), r.body.rend())};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  HttpRequest put;
  put.method = "PUT";
  put.url = server->url() + "/big";
  put.body = up;
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(put));
  EXPECT_EQ(resp.status, 200);
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_TRUE(server->requests()[0].body == up);
  EXPECT_TRUE(resp.body == std::string(up.rbegin(), up.rend()));
}

TEST_F(TlsTest, CloseAfterBodyThenANewConnection) {
  auto server = StartTls(ServerCert(), [](const RecordedRequest& r) {
    return TestResponse{.body = "hello " + r.target, .close_after_body = true};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  for (int i = 0; i < 2; ++i) ExpectHello(*client, *server, "/o" + std::to_string(i));
  auto requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].connection, 1);
  EXPECT_EQ(requests[1].connection, 2);
}

TEST_F(TlsTest, RetriesADroppedConnection) {
  std::atomic<int> calls{0};
  auto server = StartTls(ServerCert(), [&calls](const RecordedRequest&) {
    return ++calls == 1 ? TestResponse{.drop = true} : TestResponse{.body = "second"};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa(), FastRetries(2));
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
  EXPECT_EQ(resp.body, "second");
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(server->accepted_connections(), 2);
}

TEST_F(TlsTest, HangingResponseTimesOut) {
  auto server =
      StartTls(ServerCert(), [](const RecordedRequest&) { return TestResponse{.hang = true}; });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  HttpRequest r = Get(server->url() + "/slow");
  r.timeout = absl::Milliseconds(200);
  EXPECT_THAT(client->Do(r), StatusIs(absl::StatusCode::kDeadlineExceeded, "/slow"));
  // The server's destructor ends the hanging connection.
}

TEST_F(TlsTest, DelayedResponseArrives) {
  auto server = StartTls(ServerCert(), [](const RecordedRequest&) {
    return TestResponse{.body = "late", .delay = absl::Milliseconds(50)};
  });
  ASSERT_NE(server, nullptr);
  auto client = NewTestClient(TrustingTheCa());
  ASSERT_OK_AND_ASSIGN(HttpResponse resp, client->Do(Get(server->url() + "/x")));
  EXPECT_EQ(resp.body, "late");
}

TEST_F(TlsTest, StartRejectsUnloadableFiles) {
  EXPECT_THAT(TestHttpServer::Start(
                  Hello, {.cert_file = "/nonexistent/cert.pem", .key_file = certs().server_key}),
              StatusIs(absl::StatusCode::kInvalidArgument, "certificate"));
  // A key that is not the certificate's.
  EXPECT_THAT(TestHttpServer::Start(
                  Hello, {.cert_file = certs().server_cert, .key_file = certs().client_key}),
              StatusIs(absl::StatusCode::kInvalidArgument, "private key"));
}

}  // namespace
}  // namespace charon::objstore::http
