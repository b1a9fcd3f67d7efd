#include "objstore/http/curl_transfer.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/strings.h"
#include "objstore/http/crypto.h"
#include "objstore/http/no_proxy.h"

namespace charon::objstore::http {
namespace {

// Go's net.Dialer timeout in Thanos' transport; the TLS handshake timeout comes on top.
constexpr absl::Duration kDialTimeout = absl::Seconds(30);
// Error bodies are kept for messages only.
constexpr size_t kMaxErrorBody = 64 * 1024;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

std::string WithoutQuery(const std::string& url) { return url.substr(0, url.find('?')); }

// Host and port of an absolute http(s) URL, for CURLOPT_CONNECT_TO.
bool SplitHostPort(const std::string& url, std::string* host, std::string* port) {
  size_t start = url.find("://");
  if (start == std::string::npos) return false;
  const bool https = url.compare(0, start, "https") == 0;
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    *host = authority.substr(0, colon);
    *port = authority.substr(colon + 1);
  } else {
    *host = authority;
    *port = https ? "443" : "80";
  }
  return !host->empty();
}

bool HasHeader(const std::vector<std::pair<std::string, std::string>>& headers,
               std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (absl::AsciiStrToLower(name) == base::Absl(lower_name)) return true;
  }
  return false;
}

// Everything one attempt collects through the libcurl callbacks, and what they need to see.
struct Exchange {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  bool headers_done = false;
  bool delivered = false;       // on_body received bytes
  absl::Status callback_error;  // on_body's error
  absl::Time started;
  absl::Duration header_timeout = absl::InfiniteDuration();
  bool header_timeout_hit = false;
  const std::atomic<bool>* cancel = nullptr;
  bool cancelled = false;
};

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* x = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line (e.g. after "100 Continue"): headers start over.
    x->response.headers.clear();
    x->headers_done = false;
    size_t sp = line.find(' ');
    x->response.status =
        sp == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    return size * n;
  }
  if (line.empty()) {
    if (x->response.status >= 200) x->headers_done = true;
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name = absl::AsciiStrToLower(base::Absl(line.substr(0, colon)));
  std::string value(absl::StripAsciiWhitespace(base::Absl(line.substr(colon + 1))));
  x->response.headers[std::move(name)] = std::move(value);
  return size * n;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* x = static_cast<Exchange*>(user);
  const size_t len = size * n;
  if (x->cancel != nullptr && x->cancel->load(std::memory_order_relaxed)) {
    x->cancelled = true;
    return 0;
  }
  const int status = x->response.status;
  if (status >= 200 && status < 300 && x->request->on_body) {
    if (len == 0) return 0;
    x->delivered = true;
    absl::Status s = x->request->on_body(std::string_view(data, len));
    if (!s.ok()) {
      x->callback_error = std::move(s);
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return len;
  }
  if (status >= 200 && status < 300) {
    x->response.body.append(data, len);
  } else if (x->response.body.size() < kMaxErrorBody) {
    x->response.body.append(data, std::min(len, kMaxErrorBody - x->response.body.size()));
  }
  return len;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* x = static_cast<Exchange*>(user);
  if (x->cancel != nullptr && x->cancel->load(std::memory_order_relaxed)) {
    x->cancelled = true;
    return 1;
  }
  if (!x->headers_done && absl::Now() - x->started > x->header_timeout) {
    x->header_timeout_hit = true;
    return 1;
  }
  return 0;
}

long Millis(absl::Duration d) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

// Connection reuse, timeouts and the callbacks' state.
void SetTransferOptions(CURL* curl, const TransferSettings& s, absl::Time deadline, Exchange* x,
                        char* errbuf) {
  const HttpConfig& config = s.config;
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "charon");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, s.no_proxy.c_str());
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 30L);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
                   config.force_attempt_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  if (config.idle_conn_timeout > absl::ZeroDuration()) {
    curl_easy_setopt(
        curl, CURLOPT_MAXAGE_CONN,
        static_cast<long>(std::max<int64_t>(1, absl::ToInt64Seconds(config.idle_conn_timeout))));
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   Millis(kDialTimeout + config.tls_handshake_timeout));
  curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, Millis(config.expect_continue_timeout));
  if (deadline != absl::InfiniteFuture()) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, Millis(deadline - absl::Now()));
  }
  if (x->header_timeout != absl::InfiniteDuration() || x->cancel != nullptr) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, x);
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
}

void SetTlsOptions(CURL* curl, const HttpConfig& config) {
  const config::TlsConfig& tls = config.tls_config;
  const bool skip_verify = config.insecure_skip_verify || tls.insecure_skip_verify;
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, skip_verify ? 0L : 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, skip_verify ? 0L : 2L);
  if (!tls.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file.c_str());
    if (!tls.trust_root_ca) curl_easy_setopt(curl, CURLOPT_CAPATH, static_cast<char*>(nullptr));
  }
  if (!tls.cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, tls.cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, tls.key_file.c_str());
  }
}

// The lists libcurl reads during the transfer; they must outlive it.
struct RequestLists {
  std::string url;
  SlistPtr connect_to;
  SlistPtr headers;
};

// The URL, the server-name override, signing and the header lines.
absl::Status SetHeaders(CURL* curl, const TransferSettings& s, const HttpRequest& request,
                        RequestLists* lists) {
  std::vector<std::pair<std::string, std::string>> headers = request.headers;
  std::string& url = lists->url;
  url = request.url;
  if (!s.server_name.empty() && url.compare(0, 8, "https://") == 0) {
    std::string host, port;
    if (SplitHostPort(url, &host, &port) && host != s.server_name) {
      // Connect to the real host but name the server `server_name` in SNI and the certificate
      // check; the Host header keeps the real host.
      if (!HasHeader(headers, "host")) {
        headers.emplace_back("Host", port == "443" ? host : absl::StrCat(host, ":", port));
      }
      lists->connect_to.reset(curl_slist_append(
          nullptr, absl::StrCat(s.server_name, ":", port, ":", host, ":", port).c_str()));
      size_t host_at = url.find(host, 8);
      url.replace(host_at, host.size(), s.server_name);
      curl_easy_setopt(curl, CURLOPT_CONNECT_TO, lists->connect_to.get());
      // libcurl checks NO_PROXY against the URL's host, now `server_name`; the real host decides
      // (a loopback host is never proxied, and a proxy CONNECTs to the real host).
      curl_easy_setopt(curl, CURLOPT_NOPROXY, NoProxyExempts(s.no_proxy, host) ? "*" : "");
    }
  }
  if (request.sigv4.has_value()) {
    const AwsSigV4& sig = *request.sigv4;
    if (sig.service == "s3" && !HasHeader(headers, "x-amz-content-sha256")) {
      headers.emplace_back("x-amz-content-sha256", Sha256Hex(request.body));
    }
    if (!sig.session_token.empty() && !HasHeader(headers, "x-amz-security-token")) {
      headers.emplace_back("x-amz-security-token", sig.session_token);
    }
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4,
                     absl::StrCat("aws:amz:", sig.region, ":", sig.service).c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, sig.access_key.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, sig.secret_key.c_str());
  }
  std::vector<std::string> lines;
  for (const auto& [name, value] : headers) {
    // "Name;" is libcurl's syntax for a header with an empty value.
    lines.push_back(value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value));
  }
  if (!request.body.empty() && !HasHeader(headers, "content-type")) {
    lines.push_back("Content-Type:");  // removes libcurl's default, which labels a body a form
  }
  for (const std::string& line : lines) {
    curl_slist* appended = curl_slist_append(lists->headers.get(), line.c_str());
    if (appended == nullptr) return absl::ResourceExhaustedError("curl_slist_append failed");
    (void)lists->headers.release();  // `appended` is the same list, now one longer
    lists->headers.reset(appended);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, lists->headers.get());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  return absl::OkStatus();
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request) {
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
}

// The attempt's outcome from libcurl's result code and what the callbacks saw.
Attempt Classify(CURL* curl, CURLcode rc, Exchange& x, const char* errbuf) {
  const HttpRequest& request = *x.request;
  Attempt a;
  const std::string what = absl::StrCat(request.method, " ", WithoutQuery(request.url));
  if (!x.callback_error.ok()) {
    a.result = std::move(x.callback_error);
    return a;
  }
  if (x.cancelled) {
    a.result = absl::CancelledError(absl::StrCat(what, ": cancelled"));
    return a;
  }
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    // A streamed body cannot be taken back: once bytes were delivered, no retry.
    a.retryable = !x.delivered;
    if (x.header_timeout_hit) {
      a.result = absl::DeadlineExceededError(absl::StrCat(what, ": no response headers within ",
                                                          absl::FormatDuration(x.header_timeout)));
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
      a.result = absl::DeadlineExceededError(absl::StrCat(what, ": timed out: ", detail));
    } else if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
      a.result = absl::InvalidArgumentError(absl::StrCat(what, ": ", detail));
      a.retryable = false;
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
               rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CRL_BADFILE) {
      a.result = absl::UnavailableError(absl::StrCat(what, ": ", detail));
      a.retryable = false;
    } else {
      a.result = absl::UnavailableError(absl::StrCat(what, ": ", detail));
    }
    return a;
  }
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  x.response.status = static_cast<int>(code);
  a.retryable = code == 429 || (code >= 500 && code <= 599);
  a.result = std::move(x.response);
  return a;
}

}  // namespace

Attempt PerformTransfer(CURL* curl, const TransferSettings& settings, const HttpRequest& request,
                        absl::Time deadline, const std::atomic<bool>* cancel) {
  Attempt a;
  if (curl == nullptr) {
    a.result = absl::ResourceExhaustedError("curl_easy_init failed");
    return a;
  }
  curl_easy_reset(curl);
  Exchange x;
  x.request = &request;
  x.started = absl::Now();
  x.cancel = cancel;
  x.header_timeout = settings.config.response_header_timeout > absl::ZeroDuration()
                         ? settings.config.response_header_timeout
                         : absl::InfiniteDuration();
  char errbuf[CURL_ERROR_SIZE] = {0};
  SetTransferOptions(curl, settings, deadline, &x, errbuf);
  SetTlsOptions(curl, settings.config);
  RequestLists lists;
  if (absl::Status s = SetHeaders(curl, settings, request, &lists); !s.ok()) {
    a.result = std::move(s);
    return a;
  }
  SetMethodAndBody(curl, request);
  const CURLcode rc = curl_easy_perform(curl);
  return Classify(curl, rc, x, errbuf);
}

}  // namespace charon::objstore::http
