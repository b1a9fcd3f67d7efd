// HttpClient over libcurl easy handles.
//
// Connection reuse: every easy handle keeps its own connection cache, so handles are pooled and
// handed out last-in first-out; a caller that runs requests one after another gets the same handle
// and its open keep-alive connection. curl_easy_reset between requests clears the options but keeps
// the connections, the DNS cache and the TLS session cache.
//
// How the Go transport settings of `http_config` map onto libcurl:
//   idle_conn_timeout        CURLOPT_MAXAGE_CONN (an idle connection older than this is not reused)
//   response_header_timeout  a progress callback aborts the attempt when the status line and
//                            headers have not all arrived this long after the attempt started
//   tls_handshake_timeout    added to Go's 30 s dial timeout as CURLOPT_CONNECTTIMEOUT
//   expect_continue_timeout  CURLOPT_EXPECT_100_TIMEOUT_MS
//   max_idle_conns(_per_host) how many idle handles (with their connections) the pool keeps
//   max_conns_per_host       how many requests may be in flight at once (0 = unlimited); the
//                            clients are per bucket, so one host
//   tls_config.server_name   SNI and the certificate check use this name while the connection
//                            goes to the URL's host (CURLOPT_CONNECT_TO), as Go's ServerName does;
//                            whether to use a proxy is still decided by the URL's host
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/http/crypto.h"
#include "objstore/http/http_client.h"
#include "objstore/http/no_proxy.h"

namespace charon::objstore::http {
namespace {

// Go's net.Dialer timeout in Thanos' transport; the TLS handshake timeout comes on top.
constexpr absl::Duration kDialTimeout = absl::Seconds(30);
// Error bodies are kept for messages only.
constexpr size_t kMaxErrorBody = 64 * 1024;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

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

// Everything one attempt collects through the libcurl callbacks.
struct Exchange {
  const HttpRequest* request = nullptr;
  HttpResponse response;
  bool headers_done = false;
  bool delivered = false;       // on_body received bytes
  absl::Status callback_error;  // on_body's error
  absl::Time started;
  absl::Duration header_timeout = absl::InfiniteDuration();
  bool header_timeout_hit = false;
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
  if (!x->headers_done && absl::Now() - x->started > x->header_timeout) {
    x->header_timeout_hit = true;
    return 1;
  }
  return 0;
}

long Millis(absl::Duration d) {
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

// The outcome of one attempt: a response, or a transport error and whether to retry it.
struct Attempt {
  absl::StatusOr<HttpResponse> result;
  bool retryable = false;
};

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(HttpConfig config, RetryPolicy retry) : config_(std::move(config)), retry_(retry) {
    const int per_host = config_.max_idle_conns_per_host > 0 ? config_.max_idle_conns_per_host : 2;
    max_idle_ = config_.max_idle_conns > 0 ? std::min(per_host, config_.max_idle_conns) : per_host;
    if (!config_.tls_config.server_name.empty()) server_name_ = config_.tls_config.server_name;
    // libcurl, like Go, takes proxies from http_proxy/HTTPS_PROXY; Go never proxies loopback
    // hosts, so they are added to the NO_PROXY list.
    const char* env = std::getenv("NO_PROXY");
    if (env == nullptr || *env == '\0') env = std::getenv("no_proxy");
    std::string list = env == nullptr ? "" : env;
    no_proxy_ =
        list == "*" ? list : absl::StrCat(list, list.empty() ? "" : ",", "localhost,127.0.0.1,::1");
  }

  absl::StatusOr<HttpResponse> Do(const HttpRequest& request) override {
    const absl::Time deadline = request.timeout == absl::InfiniteDuration()
                                    ? absl::InfiniteFuture()
                                    : absl::Now() + request.timeout;
    const int attempts = std::max(1, retry_.max_attempts);
    Attempt last;
    for (int i = 0; i < attempts; ++i) {
      if (i > 0) {
        absl::Duration backoff = Backoff(i);
        if (absl::Now() + backoff >= deadline) break;
        absl::SleepFor(backoff);
      }
      if (absl::Now() >= deadline) {
        if (i == 0) last.result = TimeoutError(request, "deadline passed before the request");
        break;
      }
      last = Perform(request, deadline);
      if (!last.retryable) break;
    }
    return std::move(last.result);
  }

 private:
  absl::Duration Backoff(int retry) const {
    absl::Duration d = retry_.initial_backoff;
    for (int i = 1; i < retry && d < retry_.max_backoff; ++i) d *= 2;
    d = std::min(d, retry_.max_backoff);
    // Jitter in [d/2, d] so that concurrent callers hitting the same failure spread out.
    thread_local std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return d * jitter(rng);
  }

  static absl::Status TimeoutError(const HttpRequest& r, std::string_view what) {
    return absl::DeadlineExceededError(
        absl::StrCat(r.method, " ", WithoutQuery(r.url), ": ", base::Absl(what)));
  }

  CurlPtr Borrow() {
    absl::MutexLock lock(&mu_);
    if (config_.max_conns_per_host > 0) {
      mu_.Await(absl::Condition(
          +[](CurlHttpClient* c) { return c->in_use_ < c->config_.max_conns_per_host; }, this));
    }
    ++in_use_;
    if (!idle_.empty()) {
      CurlPtr h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
    return CurlPtr(curl_easy_init());
  }

  void Return(CurlPtr h) {
    absl::MutexLock lock(&mu_);
    --in_use_;
    if (h != nullptr && static_cast<int>(idle_.size()) < max_idle_) idle_.push_back(std::move(h));
  }

  Attempt Perform(const HttpRequest& request, absl::Time deadline) {
    CurlPtr handle = Borrow();
    Attempt a = PerformWith(handle.get(), request, deadline);
    // A handle whose transfer failed may hold a broken connection; libcurl detects and drops
    // dead connections itself, so it goes back to the pool either way.
    Return(std::move(handle));
    return a;
  }

  Attempt PerformWith(CURL* curl, const HttpRequest& request, absl::Time deadline) {
    Attempt a;
    if (curl == nullptr) {
      a.result = absl::ResourceExhaustedError("curl_easy_init failed");
      return a;
    }
    curl_easy_reset(curl);
    Exchange x;
    x.request = &request;
    x.started = absl::Now();
    x.header_timeout = config_.response_header_timeout > absl::ZeroDuration()
                           ? config_.response_header_timeout
                           : absl::InfiniteDuration();
    char errbuf[CURL_ERROR_SIZE] = {0};

    std::string url = request.url;
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "charon");
    curl_easy_setopt(curl, CURLOPT_NOPROXY, no_proxy_.c_str());
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 30L);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
                     config_.force_attempt_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
    if (config_.idle_conn_timeout > absl::ZeroDuration()) {
      curl_easy_setopt(
          curl, CURLOPT_MAXAGE_CONN,
          static_cast<long>(std::max<int64_t>(1, absl::ToInt64Seconds(config_.idle_conn_timeout))));
    }
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     Millis(kDialTimeout + config_.tls_handshake_timeout));
    curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, Millis(config_.expect_continue_timeout));
    if (deadline != absl::InfiniteFuture()) {
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, Millis(deadline - absl::Now()));
    }
    if (x.header_timeout != absl::InfiniteDuration()) {
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &x);
    }

    // TLS.
    const TlsConfig& tls = config_.tls_config;
    const bool skip_verify = config_.insecure_skip_verify || tls.insecure_skip_verify;
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

    // Headers.
    std::vector<std::pair<std::string, std::string>> headers = request.headers;
    SlistPtr connect_to;
    if (!server_name_.empty() && url.compare(0, 8, "https://") == 0) {
      std::string host, port;
      if (SplitHostPort(url, &host, &port) && host != server_name_) {
        // Connect to the real host but name the server `server_name_` in SNI and the certificate
        // check; the Host header keeps the real host.
        if (!HasHeader(headers, "host")) {
          headers.emplace_back("Host", port == "443" ? host : absl::StrCat(host, ":", port));
        }
        connect_to.reset(curl_slist_append(
            nullptr, absl::StrCat(server_name_, ":", port, ":", host, ":", port).c_str()));
        size_t host_at = url.find(host, 8);
        url.replace(host_at, host.size(), server_name_);
        curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to.get());
        // libcurl checks NO_PROXY against the URL's host, now `server_name_`; the real host decides
        // (a loopback host is never proxied, and a proxy CONNECTs to the real host).
        curl_easy_setopt(curl, CURLOPT_NOPROXY, NoProxyExempts(no_proxy_, host) ? "*" : "");
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
    SlistPtr header_list;
    for (const std::string& line : lines) {
      curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
      if (appended == nullptr) {
        a.result = absl::ResourceExhaustedError("curl_slist_append failed");
        return a;
      }
      (void)header_list.release();  // `appended` is the same list, now one longer
      header_list.reset(appended);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());

    // Method and body.
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
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
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);

    CURLcode rc = curl_easy_perform(curl);
    const std::string what = absl::StrCat(request.method, " ", WithoutQuery(request.url));
    if (!x.callback_error.ok()) {
      a.result = std::move(x.callback_error);
      return a;
    }
    if (rc != CURLE_OK) {
      std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
      // A streamed body cannot be taken back: once bytes were delivered, no retry.
      a.retryable = !x.delivered;
      if (x.header_timeout_hit) {
        a.result = absl::DeadlineExceededError(absl::StrCat(
            what, ": no response headers within ", absl::FormatDuration(x.header_timeout)));
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

  const HttpConfig config_;
  const RetryPolicy retry_;
  int max_idle_ = 2;
  std::string server_name_;
  std::string no_proxy_;
  absl::Mutex mu_;
  std::vector<CurlPtr> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
};

absl::Status CheckReadable(const std::string& path, std::string_view key) {
  if (path.empty()) return absl::OkStatus();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("http_config.tls_config.", base::Absl(key), ": cannot read ", path));
  }
  std::fclose(f);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(const HttpConfig& config,
                                                               RetryPolicy retry) {
  GlobalInit();
  CHARON_RETURN_IF_ERROR(CheckReadable(config.tls_config.ca_file, "ca_file"));
  CHARON_RETURN_IF_ERROR(CheckReadable(config.tls_config.cert_file, "cert_file"));
  CHARON_RETURN_IF_ERROR(CheckReadable(config.tls_config.key_file, "key_file"));
  if (retry.max_attempts < 1) {
    return absl::InvalidArgumentError("http client: retry max_attempts must be at least 1");
  }
  return std::unique_ptr<HttpClient>(new CurlHttpClient(config, retry));
}

}  // namespace charon::objstore::http
