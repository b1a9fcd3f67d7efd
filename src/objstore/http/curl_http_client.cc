// HttpClient over libcurl easy handles.
//
// Connection reuse: every easy handle keeps its own connection cache, so handles are pooled and
// handed out last-in first-out; a caller that runs requests one after another gets the same handle
// and its open keep-alive connection. curl_easy_reset between requests clears the options but keeps
// the connections, the DNS cache and the TLS session cache.
//
// Hedging runs each copy of a GET as its own easy handle on its own thread (not a libcurl multi
// handle: a multi handle has one connection cache of its own, so its transfers would not reuse
// the pooled connections). A losing copy is cancelled through its progress callback, which
// libcurl calls at least about once a second; it may still run briefly after the caller has its
// answer, so the copies share the pool and the request with the caller through a shared_ptr.
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
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/http/curl_transfer.h"
#include "objstore/http/http_client.h"
#include "objstore/http/latency_tracker.h"

namespace charon::objstore::http {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The pooled handles and everything a transfer needs; shared with hedged copies still running.
class HandlePool {
 public:
  HandlePool(TransferSettings settings, int max_idle)
      : settings_(std::move(settings)), max_idle_(max_idle) {}

  const TransferSettings& settings() const { return settings_; }
  LatencyTracker& latencies() { return latencies_; }

  // Performs one attempt on a pooled handle.
  Attempt Perform(const HttpRequest& request, absl::Time deadline,
                  const std::atomic<bool>* cancel = nullptr) {
    CurlPtr handle = Borrow();
    const absl::Time start = absl::Now();
    Attempt a = PerformTransfer(handle.get(), settings_, request, deadline, cancel);
    if (a.result.ok() && Is2xx(a.result->status) && request.method == "GET") {
      latencies_.Add(absl::Now() - start);
    }
    // A handle whose transfer failed may hold a broken connection; libcurl detects and drops
    // dead connections itself, so it goes back to the pool either way.
    Return(std::move(handle));
    return a;
  }

 private:
  CurlPtr Borrow() {
    absl::MutexLock lock(&mu_);
    const int max_in_use = settings_.config.max_conns_per_host;
    if (max_in_use > 0) {
      auto has_room = [this, max_in_use]()
                          ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_use_ < max_in_use; };
      mu_.Await(absl::Condition(&has_room));
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

  const TransferSettings settings_;
  const int max_idle_;
  LatencyTracker latencies_;
  absl::Mutex mu_;
  std::vector<CurlPtr> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
};

// The copies of one hedged attempt.
struct HedgeRace {
  explicit HedgeRace(const HttpRequest& r) : request(r) {}

  const HttpRequest request;
  std::atomic<bool> cancel{false};
  absl::Mutex mu;
  int running ABSL_GUARDED_BY(mu) = 0;
  std::optional<Attempt> answer ABSL_GUARDED_BY(mu);  // the first non-retryable outcome
  int answer_copy ABSL_GUARDED_BY(mu) = -1;           // 0 = the first request
  Attempt last ABSL_GUARDED_BY(mu);                   // the latest other outcome
};

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(const HttpConfig& config, RetryPolicy retry, HedgingPolicy hedging)
      : retry_(retry), hedging_(std::move(hedging)) {
    TransferSettings settings;
    settings.config = config;
    settings.server_name = config.tls_config.server_name;
    // libcurl, like Go, takes proxies from http_proxy/HTTPS_PROXY; Go never proxies loopback
    // hosts, so they are added to the NO_PROXY list.
    const char* env = std::getenv("NO_PROXY");
    if (env == nullptr || *env == '\0') env = std::getenv("no_proxy");
    std::string list = env == nullptr ? "" : env;
    settings.no_proxy =
        list == "*" ? list : absl::StrCat(list, list.empty() ? "" : ",", "localhost,127.0.0.1,::1");
    const int per_host = config.max_idle_conns_per_host > 0 ? config.max_idle_conns_per_host : 2;
    const int max_idle =
        config.max_idle_conns > 0 ? std::min(per_host, config.max_idle_conns) : per_host;
    pool_ = std::make_shared<HandlePool>(std::move(settings), max_idle);
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
      last = PerformAttempt(request, deadline);
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
        absl::StrCat(r.method, " ", r.url.substr(0, r.url.find('?')), ": ", base::Absl(what)));
  }

  Attempt PerformAttempt(const HttpRequest& request, absl::Time deadline) {
    if (hedging_.enabled && hedging_.up_to > 1 && request.method == "GET" && !request.on_body) {
      if (std::optional<absl::Duration> wait = pool_->latencies().Quantile(hedging_.quantile)) {
        return PerformHedged(request, deadline, std::max(*wait, absl::Milliseconds(1)));
      }
    }
    return pool_->Perform(request, deadline);
  }

  // Sends copy `copy` of the race's request on its own thread.
  static void Launch(const std::shared_ptr<HandlePool>& pool,
                     const std::shared_ptr<HedgeRace>& race, int copy, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(race->mu) {
    ++race->running;
    std::thread([pool, race, copy, deadline] {
      Attempt a = pool->Perform(race->request, deadline, &race->cancel);
      absl::MutexLock lock(&race->mu);
      --race->running;
      const bool cancelled = !a.result.ok() && absl::IsCancelled(a.result.status());
      if (race->answer.has_value() || cancelled) return;
      if (a.retryable) {
        race->last = std::move(a);
      } else {
        race->answer = std::move(a);
        race->answer_copy = copy;
      }
    }).detach();
  }

  Attempt PerformHedged(const HttpRequest& request, absl::Time deadline, absl::Duration wait) {
    auto race = std::make_shared<HedgeRace>(request);
    absl::MutexLock lock(&race->mu);
    Launch(pool_, race, 0, deadline);
    int sent = 1;
    absl::Time next = absl::Now() + wait;
    auto settled = [&race]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(race->mu) {
      return race->answer.has_value() || race->running == 0;
    };
    while (true) {
      race->mu.AwaitWithDeadline(absl::Condition(&settled),
                                 sent < hedging_.up_to ? next : absl::InfiniteFuture());
      if (settled()) break;
      // Every copy ends by the deadline (CURLOPT_TIMEOUT), so only new copies need a check here.
      if (absl::Now() < deadline) {
        Launch(pool_, race, sent++, deadline);
        if (hedging_.on_hedge) hedging_.on_hedge();
      }
      next = absl::Now() + wait;
    }
    race->cancel = true;
    if (!race->answer.has_value()) return std::move(race->last);
    if (race->answer_copy > 0 && hedging_.on_hedge_won) hedging_.on_hedge_won();
    return std::move(*race->answer);
  }

  const RetryPolicy retry_;
  const HedgingPolicy hedging_;
  std::shared_ptr<HandlePool> pool_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(const HttpConfig& config,
                                                               RetryPolicy retry,
                                                               HedgingPolicy hedging) {
  GlobalInit();
  CHARON_RETURN_IF_ERROR(
      config::CheckTlsFilesReadable(config.tls_config, "http_config.tls_config"));
  if (retry.max_attempts < 1) {
    return absl::InvalidArgumentError("http client: retry max_attempts must be at least 1");
  }
  if (hedging.enabled && (hedging.up_to < 1 || !(hedging.quantile > 0 && hedging.quantile <= 1))) {
    return absl::InvalidArgumentError("http client: hedging needs up_to >= 1, quantile in (0, 1]");
  }
  return std::unique_ptr<HttpClient>(new CurlHttpClient(config, retry, std::move(hedging)));
}

}  // namespace charon::objstore::http
