#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config_error_case.h"
#include "config/yaml_fields.h"
#include "objstore/http/crypto.h"
#include "objstore/http/http_client.h"
#include "objstore/http/no_proxy.h"
#include "testing/status_matchers.h"

namespace charon::objstore::http {
namespace {

using ::charon::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<HttpConfig> Parse(const std::string& yaml) {
  return config::ParseConfigYaml(ParseHttpConfig, yaml, "config.http_config", "bucket.yml");
}

TEST(ParseHttpConfig, EmptyGivesThanosDefaults) {
  for (std::string yaml : {"", "{}", "~"}) {
    SCOPED_TRACE(yaml);
    ASSERT_OK_AND_ASSIGN(HttpConfig c, Parse(yaml));
    EXPECT_EQ(c.idle_conn_timeout, absl::Seconds(90));
    EXPECT_EQ(c.response_header_timeout, absl::Minutes(2));
    EXPECT_EQ(c.tls_handshake_timeout, absl::Seconds(10));
    EXPECT_EQ(c.expect_continue_timeout, absl::Seconds(1));
    EXPECT_EQ(c.max_idle_conns, 100);
    EXPECT_EQ(c.max_idle_conns_per_host, 100);
    EXPECT_EQ(c.max_conns_per_host, 0);
    EXPECT_FALSE(c.insecure_skip_verify);
    EXPECT_FALSE(c.disable_compression);
    EXPECT_FALSE(c.force_attempt_http2);
    EXPECT_EQ(c.tls_config.ca_file, "");
    EXPECT_FALSE(c.tls_config.insecure_skip_verify);
  }
}

TEST(ParseHttpConfig, ReadsEveryKey) {
  ASSERT_OK_AND_ASSIGN(HttpConfig c, Parse(R"(
idle_conn_timeout: 1m30s
response_header_timeout: 45s
insecure_skip_verify: true
tls_handshake_timeout: 5s
expect_continue_timeout: 500ms
max_idle_conns: 7
max_idle_conns_per_host: 3
max_conns_per_host: 9
force_attempt_http2: true
disable_compression: true
transport: ignored
tls_config:
  ca_file: /etc/ca.pem
  trust_root_ca: true
  cert_file: /etc/cert.pem
  key_file: /etc/key.pem
  server_name: s3.internal
  insecure_skip_verify: true
)"));
  EXPECT_EQ(c.idle_conn_timeout, absl::Seconds(90));
  EXPECT_EQ(c.response_header_timeout, absl::Seconds(45));
  EXPECT_TRUE(c.insecure_skip_verify);
  EXPECT_EQ(c.tls_handshake_timeout, absl::Seconds(5));
  EXPECT_EQ(c.expect_continue_timeout, absl::Milliseconds(500));
  EXPECT_EQ(c.max_idle_conns, 7);
  EXPECT_EQ(c.max_idle_conns_per_host, 3);
  EXPECT_EQ(c.max_conns_per_host, 9);
  EXPECT_TRUE(c.force_attempt_http2);
  EXPECT_TRUE(c.disable_compression);
  EXPECT_EQ(c.tls_config.ca_file, "/etc/ca.pem");
  EXPECT_TRUE(c.tls_config.trust_root_ca);
  EXPECT_EQ(c.tls_config.cert_file, "/etc/cert.pem");
  EXPECT_EQ(c.tls_config.key_file, "/etc/key.pem");
  EXPECT_EQ(c.tls_config.server_name, "s3.internal");
  EXPECT_TRUE(c.tls_config.insecure_skip_verify);
}

TEST(ParseHttpConfig, ErrorsNameTheKey) {
  const std::vector<config::ConfigErrorCase> cases = {
      {"idle_conn_timout: 1s", "idle_conn_timout"},
      {"idle_conn_timeout: soon", "config.http_config.idle_conn_timeout"},
      {"response_header_timeout: -1s", "config.http_config.response_header_timeout"},
      {"max_idle_conns: many", "max_idle_conns"},
      {"max_conns_per_host: -2", "max_conns_per_host must not be negative"},
      {"insecure_skip_verify: maybe", "insecure_skip_verify"},
      {"tls_config: {ca_flie: x}", "ca_flie"},
      {"tls_config: {cert_file: c.pem}", "cert_file is set without key_file"},
      {"tls_config: {key_file: k.pem}", "key_file is set without cert_file"},
      {"tls_config: [a, b]", "tls_config"},
  };
  config::ExpectConfigErrors(Parse, cases, "bucket.yml");
}

TEST(StatusFromHttp, MapsStatusCodes) {
  struct Case {
    int status;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {404, absl::StatusCode::kNotFound},         {400, absl::StatusCode::kInvalidArgument},
      {401, absl::StatusCode::kPermissionDenied}, {403, absl::StatusCode::kPermissionDenied},
      {408, absl::StatusCode::kUnavailable},      {429, absl::StatusCode::kUnavailable},
      {500, absl::StatusCode::kUnavailable},      {503, absl::StatusCode::kUnavailable},
      {599, absl::StatusCode::kUnavailable},      {409, absl::StatusCode::kUnknown},
      {416, absl::StatusCode::kUnknown},          {302, absl::StatusCode::kUnknown}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status);
    HttpResponse r;
    r.status = c.status;
    r.body = "details";
    absl::Status s = StatusFromHttp(r, "GET index of bucket b");
    EXPECT_EQ(s.code(), c.code);
    EXPECT_THAT(std::string(s.message()), HasSubstr("GET index of bucket b"));
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::to_string(c.status)));
    EXPECT_THAT(std::string(s.message()), HasSubstr("details"));
  }
}

TEST(StatusFromHttp, KeepsOnlyTheStartOfALongBody) {
  HttpResponse r;
  r.status = 500;
  r.body = std::string(512, 'a') + "TAIL";
  std::string msg(StatusFromHttp(r, "GET x").message());
  EXPECT_THAT(msg, HasSubstr(std::string(512, 'a')));
  EXPECT_THAT(msg, Not(HasSubstr("TAIL")));
}

TEST(Ranges, HeaderValueAndCuttingAWholeBody) {
  EXPECT_EQ(RangeHeaderValue(0, 10), "bytes=0-9");
  EXPECT_EQ(RangeHeaderValue(5, -1), "bytes=5-");
  EXPECT_EQ(RangeHeaderValue(7, 1), "bytes=7-7");
  EXPECT_EQ(RangeHeaderValue(INT64_MAX - 1, 5), "bytes=9223372036854775806-")
      << "a last byte past int64 means to the end";
  EXPECT_EQ(CutToRange("0123456789", 2, 3), "234");
  EXPECT_EQ(CutToRange("0123456789", 0, 4), "0123");
  EXPECT_EQ(CutToRange("0123456789", 8, 5), "89");
  EXPECT_EQ(CutToRange("0123456789", 3, -1), "3456789");
  EXPECT_EQ(CutToRange("0123456789", 10, 1), "");
  EXPECT_EQ(CutToRange("", 0, -1), "");
}

TEST(Crypto, Sha256AndHmacKnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexLower(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HexLower(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe", 2)), "//4=");
}

TEST(NoProxy, NamesMatchThemselvesAndSubdomains) {
  EXPECT_TRUE(NoProxyExempts("*", "anything.example"));
  EXPECT_TRUE(NoProxyExempts("example.com", "example.com"));
  EXPECT_TRUE(NoProxyExempts("example.com", "www.Example.COM"));
  EXPECT_TRUE(NoProxyExempts(".example.com", "www.example.com"));
  EXPECT_TRUE(NoProxyExempts("example.com.", "example.com."));
  EXPECT_FALSE(NoProxyExempts("example.com", "nonexample.com"));
  EXPECT_FALSE(NoProxyExempts("www.example.com", "example.com"));
  EXPECT_TRUE(NoProxyExempts("a.test, b.test ,c.test", "b.test"));
  EXPECT_TRUE(NoProxyExempts("a.test,,c.test", "c.test"));
  EXPECT_FALSE(NoProxyExempts("", "example.com"));
  EXPECT_FALSE(NoProxyExempts("*,x", "example.com"));  // "*" only alone
  EXPECT_FALSE(NoProxyExempts("example.com", ""));
}

TEST(NoProxy, AddressesMatchThemselvesAndRanges) {
  EXPECT_TRUE(NoProxyExempts("localhost,127.0.0.1,::1", "127.0.0.1"));
  EXPECT_TRUE(NoProxyExempts("localhost,127.0.0.1,::1", "[::1]"));
  EXPECT_TRUE(NoProxyExempts("localhost,127.0.0.1,::1", "localhost"));
  EXPECT_FALSE(NoProxyExempts("localhost,127.0.0.1,::1", "127.0.0.2"));
  EXPECT_TRUE(NoProxyExempts("10.0.0.0/8", "10.200.3.4"));
  EXPECT_FALSE(NoProxyExempts("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(NoProxyExempts("192.168.1.0/25", "192.168.1.127"));
  EXPECT_FALSE(NoProxyExempts("192.168.1.0/25", "192.168.1.128"));
  EXPECT_TRUE(NoProxyExempts("fd00::/8", "[fd12:3456::1]"));
  EXPECT_FALSE(NoProxyExempts("fd00::/8", "[fe80::1]"));
  EXPECT_FALSE(NoProxyExempts("10.0.0.0/33", "10.0.0.0"));
  // An address is not matched as a name, nor a name as an address.
  EXPECT_FALSE(NoProxyExempts("0.0.1", "10.0.0.1"));
  EXPECT_FALSE(NoProxyExempts("10.0.0.0/8", "host.10.0.0.0"));
}

}  // namespace
}  // namespace charon::objstore::http
