// ParseHttpConfig, StatusFromHttp and the range helpers: the parts of http_client.h
// that do no I/O.
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::http {
namespace {

absl::Status NonNegative(const config::YamlMap& map, const std::string& key, int v) {
  if (v < 0) return map.KeyError(key, "must not be negative");
  return absl::OkStatus();
}

absl::StatusOr<config::TlsConfig> ParseStrictTlsConfig(const config::YamlMap& map) {
  CHARON_RETURN_IF_ERROR(map.AllowOnly(config::TlsConfigKeys()));
  return config::ParseTlsConfig(map);
}

}  // namespace

absl::StatusOr<HedgingPolicy> ParseHedgingConfig(const config::YamlMap& map) {
  CHARON_RETURN_IF_ERROR(map.AllowOnly({"enabled", "up_to", "quantile"}));
  HedgingPolicy h;
  CHARON_RETURN_IF_ERROR(map.Bool("enabled", &h.enabled));
  CHARON_RETURN_IF_ERROR(map.Int("up_to", &h.up_to));
  CHARON_RETURN_IF_ERROR(map.Double("quantile", &h.quantile));
  if (h.up_to < 1) return map.KeyError("up_to", "must be at least 1");
  if (!(h.quantile > 0 && h.quantile <= 1)) return map.KeyError("quantile", "must be in (0, 1]");
  return h;
}

absl::StatusOr<HttpConfig> ParseHttpConfig(const config::YamlMap& map) {
  // `transport` is a Go-only field (a RoundTripper injected by code); a YAML file may still carry
  // the key, so it is accepted and ignored.
  CHARON_RETURN_IF_ERROR(
      map.AllowOnly({"idle_conn_timeout", "response_header_timeout", "insecure_skip_verify",
                     "tls_handshake_timeout", "expect_continue_timeout", "max_idle_conns",
                     "max_idle_conns_per_host", "max_conns_per_host", "tls_config",
                     "force_attempt_http2", "disable_compression", "transport"}));
  HttpConfig c;
  CHARON_RETURN_IF_ERROR(map.Duration("idle_conn_timeout", &c.idle_conn_timeout));
  CHARON_RETURN_IF_ERROR(map.Duration("response_header_timeout", &c.response_header_timeout));
  CHARON_RETURN_IF_ERROR(map.Bool("insecure_skip_verify", &c.insecure_skip_verify));
  CHARON_RETURN_IF_ERROR(map.Duration("tls_handshake_timeout", &c.tls_handshake_timeout));
  CHARON_RETURN_IF_ERROR(map.Duration("expect_continue_timeout", &c.expect_continue_timeout));
  CHARON_RETURN_IF_ERROR(map.Int("max_idle_conns", &c.max_idle_conns));
  CHARON_RETURN_IF_ERROR(map.Int("max_idle_conns_per_host", &c.max_idle_conns_per_host));
  CHARON_RETURN_IF_ERROR(map.Int("max_conns_per_host", &c.max_conns_per_host));
  CHARON_RETURN_IF_ERROR(map.Bool("force_attempt_http2", &c.force_attempt_http2));
  CHARON_RETURN_IF_ERROR(map.Bool("disable_compression", &c.disable_compression));
  CHARON_RETURN_IF_ERROR(NonNegative(map, "max_idle_conns", c.max_idle_conns));
  CHARON_RETURN_IF_ERROR(NonNegative(map, "max_idle_conns_per_host", c.max_idle_conns_per_host));
  CHARON_RETURN_IF_ERROR(NonNegative(map, "max_conns_per_host", c.max_conns_per_host));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap tls, map.Map("tls_config"));
  CHARON_ASSIGN_OR_RETURN(c.tls_config, ParseStrictTlsConfig(tls));
  return c;
}

absl::StatusOr<HttpConfig> ParseHttpConfigSection(const config::YamlMap& provider) {
  CHARON_ASSIGN_OR_RETURN(config::YamlMap section, provider.Map("http_config"));
  return ParseHttpConfig(section);
}

absl::Status StatusFromHttp(const HttpResponse& response, std::string_view what) {
  constexpr size_t kMaxBody = 512;
  std::string_view body = response.body;
  std::string msg = absl::StrCat(base::Absl(what), ": HTTP status ", response.status);
  if (!body.empty()) {
    absl::StrAppend(&msg, ": ", base::Absl(body.substr(0, kMaxBody)),
                    body.size() > kMaxBody ? "..." : "");
  }
  const int code = response.status;
  if (code == 404) return absl::NotFoundError(msg);
  if (code == 400) return absl::InvalidArgumentError(msg);
  if (code == 401 || code == 403) return absl::PermissionDeniedError(msg);
  if (code == 408 || code == 429 || (code >= 500 && code <= 599)) {
    return absl::UnavailableError(msg);
  }
  return absl::UnknownError(msg);
}

std::string RangeHeaderValue(int64_t offset, int64_t length) {
  std::string range = absl::StrCat("bytes=", offset, "-");
  if (length > 0 && length <= std::numeric_limits<int64_t>::max() - offset) {
    absl::StrAppend(&range, offset + length - 1);
  }
  return range;
}

std::string CutToRange(std::string whole, int64_t offset, int64_t length) {
  if (offset < 0 || static_cast<uint64_t>(offset) >= whole.size()) return std::string();
  if (offset == 0) {
    if (length >= 0 && static_cast<uint64_t>(length) < whole.size()) {
      whole.resize(static_cast<size_t>(length));
    }
    return whole;
  }
  return whole.substr(static_cast<size_t>(offset),
                      length < 0 ? std::string::npos : static_cast<size_t>(length));
}

absl::StatusOr<std::string> RangedGetBody(
    HttpResponse response, int64_t offset, int64_t length,
    absl::FunctionRef<absl::Status(const HttpResponse&)> error) {
  const bool ranged = offset > 0 || length > 0;
  if (ranged && response.status == 416) return std::string();
  if (!Is2xx(response.status)) return error(response);
  if (ranged && response.status == 200) return CutToRange(std::move(response.body), offset, length);
  return std::move(response.body);
}

}  // namespace charon::objstore::http
