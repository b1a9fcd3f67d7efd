// The HTTP client shared by the remote buckets (S3, Azure Blob, GCS): libcurl easy handles kept in
// a pool so connections (and TLS sessions) are reused, Thanos' `http_config` (timeouts, TLS),
// retries with exponential backoff on transport errors, timeouts, 429 and 5xx, and hedged GETs
// (Thanos' `hedging_config`).
//
// Proxies come from the environment (http_proxy, HTTPS_PROXY, NO_PROXY) as in Go, and loopback
// hosts are never proxied. Redirects are not followed. Bodies are never transparently decoded.
//
// Thread-safe: any number of threads may call Do() at once; each call borrows one pooled handle.
#ifndef CHARON_OBJSTORE_HTTP_HTTP_CLIENT_H_
#define CHARON_OBJSTORE_HTTP_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/tls_config.h"
#include "config/yaml_fields.h"

namespace charon::objstore::http {

// `http_config` of the Thanos objstore YAML, with its defaults.
struct HttpConfig {
  absl::Duration idle_conn_timeout = absl::Seconds(90);
  absl::Duration response_header_timeout = absl::Minutes(2);
  absl::Duration tls_handshake_timeout = absl::Seconds(10);
  absl::Duration expect_continue_timeout = absl::Seconds(1);
  int max_idle_conns = 100;
  int max_idle_conns_per_host = 100;
  int max_conns_per_host = 0;  // 0 = unlimited
  bool insecure_skip_verify = false;
  // Accepted for compatibility; responses are never transparently decompressed, so object bytes
  // arrive exactly as stored whatever this says.
  bool disable_compression = false;
  bool force_attempt_http2 = false;  // offer HTTP/2 over TLS (default HTTP/1.1)
  config::TlsConfig tls_config{};
};

// Reads `http_config` (an empty/absent map gives the defaults). Unknown keys are errors, except
// Go-only ones (`transport`) which are accepted and ignored.
absl::StatusOr<HttpConfig> ParseHttpConfig(const config::YamlMap& map);
// The `http_config` section of a provider's config map (S3, GCS, AZURE), defaults when absent.
absl::StatusOr<HttpConfig> ParseHttpConfigSection(const config::YamlMap& provider);

// `hedging_config` of the objstore YAML (Thanos >= 0.37), with Thanos' defaults. When enabled, a
// GET (without `on_body`) still unanswered after the `quantile` of the client's recent GET
// latencies is sent again on another pooled handle, and again after each further such wait, up
// to `up_to` requests in flight for the attempt (the first included, as hedgedhttp counts). The
// first answer that is not retryable wins and the other copies are cancelled; their connections
// are closed, the winner's stays pooled. No GET is hedged before the client has seen 16 of them.
struct HedgingPolicy {
  bool enabled = false;
  int up_to = 3;
  double quantile = 0.9;
  // Called for every copy sent after the first, and for every attempt a later copy answered
  // (for metrics; may be empty).
  std::function<void()> on_hedge{};
  std::function<void()> on_hedge_won{};
};

// Reads `hedging_config` (absent or empty: the defaults). InvalidArgument for unknown keys,
// up_to < 1, or a quantile outside (0, 1].
absl::StatusOr<HedgingPolicy> ParseHedgingConfig(const config::YamlMap& map);

struct RetryPolicy {
  int max_attempts = 3;  // total tries, >= 1
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// AWS Signature V4, computed by libcurl (CURLOPT_AWS_SIGV4 "aws:amz:<region>:<service>").
// libcurl signs every header of the request and uses the URL's query string as it is, so callers
// must put query parameters in ascending key order. For service "s3" the client adds
// `x-amz-content-sha256` (the SHA-256 of the body) unless the request has it; with a session
// token it adds `x-amz-security-token`; both are signed.
struct AwsSigV4 {
  std::string region{};
  std::string service = "s3";
  std::string access_key{};
  std::string secret_key{};
  std::string session_token{};  // temporary credentials; "" = none
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string url{};           // absolute, already percent-encoded
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  std::optional<AwsSigV4> sigv4{};
  // Per-call deadline for the whole exchange (all attempts); infinite = only the config timeouts.
  absl::Duration timeout = absl::InfiniteDuration();
  // When set, body bytes are passed here as they arrive instead of being collected in
  // HttpResponse::body (only for a 2xx answer; error bodies are always collected).
  std::function<absl::Status(std::string_view chunk)> on_body{};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers{};  // names lower-cased; last value wins
  std::string body{};
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(const HttpConfig& config,
                                                            RetryPolicy retry = {},
                                                            HedgingPolicy hedging = {});
  virtual ~HttpClient() = default;

  // Performs the request, retrying transport errors, timeouts, 429 and 5xx answers as the policy
  // allows (a streaming `on_body` request is retried only if nothing was delivered yet). Any
  // completed exchange returns its response, whatever its status code: mapping 404 to NotFound and
  // so on is the caller's. Transport failures after the last attempt: Unavailable (or
  // DeadlineExceeded for timeouts), the message naming method and URL without its query string.
  virtual absl::StatusOr<HttpResponse> Do(const HttpRequest& request) = 0;
};

// Status for a non-2xx answer: 404 NotFound, 400 InvalidArgument, 401/403 PermissionDenied,
// 408/429/5xx Unavailable, other codes Unknown. The message has `what` (e.g. "GET index of
// <bucket>"), the status code and the first 512 bytes of the body.
absl::Status StatusFromHttp(const HttpResponse& response, std::string_view what);

inline bool Is2xx(int status) { return status >= 200 && status < 300; }

// The `Range` header value for bytes [offset, offset + length) of an object; length < 0 means to
// the end ("bytes=<offset>-").
std::string RangeHeaderValue(int64_t offset, int64_t length);

// Bytes [offset, offset + length) of `whole` (length < 0: to the end), for a 200 answer from a
// server that ignored the Range header; empty when offset is at or past the end.
std::string CutToRange(std::string whole, int64_t offset, int64_t length);

// The bytes a GET of [offset, offset + length) read (length < 0: to the end; offset 0 and
// length < 0 is a plain GET), from its answer. To a ranged GET, 416 means the range starts at or
// past the end of an object that exists (else the answer is 404): no bytes; and a 200 (a server
// that ignored the Range header) is cut here. Any non-2xx answer else is `error(response)`.
absl::StatusOr<std::string> RangedGetBody(
    HttpResponse response, int64_t offset, int64_t length,
    absl::FunctionRef<absl::Status(const HttpResponse&)> error);

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_HTTP_CLIENT_H_
