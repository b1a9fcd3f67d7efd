// The store's HTTP endpoint: probes, metrics, the blocks API and page, and profiles.
//
//   /-/healthy               200 "OK" while the server runs
//   /-/ready                 503 "NOT OK" until `ready` returns true, then 200 "OK"; 503 again once
//                            Shutdown started
//   /metrics                 Prometheus text exposition of the registry and the process_* metrics
//                            (see process_collector.h)
//   /api/v1/blocks           blocks JSON (see blocks_api.h); ?view=loaded for the loaded blocks
//   /, /loaded               HTML table of the loaded blocks
//   /debug/pprof/            profile?seconds=N, heap (see pprof_handlers.h)
//   /api/v1/read             Prometheus remote read, when `remote_read` is set
// The API and the pages are off with `disable_web`; /api/v1 answers carry CORS headers unless
// `disable_cors`. Every request is counted in http_requests_total{code,handler,method} and timed in
// http_request_duration_seconds{code,handler,method}; thanos_status{component,check} mirrors the
// probes.
//
// Thread-safety: Start and Shutdown are called by one owner thread; handlers run on the embedded
// server's worker threads, so the callbacks in the options must be thread-safe.
#ifndef CHARON_SERVER_HTTP_HTTP_SERVER_H_
#define CHARON_SERVER_HTTP_HTTP_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/http/blocks_api.h"
#include "server/http/http_handler.h"
#include "server/http/process_collector.h"

struct mg_context;
struct mg_connection;

namespace charon::server::http {

// Defaults equal the Thanos flag defaults.
struct HttpServerOptions {
  // host:port (IPv4 literal, "[v6]:port" or ":port" for all interfaces); port 0 picks a free port.
  std::string address = "0.0.0.0:10902";  // --http-address
  // How long Shutdown waits for in-flight requests before stopping the server.
  absl::Duration grace_period = absl::Minutes(2);  // --http-grace-period
  bool disable_web = false;                        // --web.disable
  bool disable_cors = false;                       // --web.disable-cors
  std::string bucket_web_label;                    // --bucket-web-label
  // Value of the `component` label of thanos_status.
  std::string component = "store";
  // Worker threads of the embedded server; each serves one connection at a time.
  int num_threads = 16;

  // Readiness (initial sync done, gRPC serving). Unset means never ready.
  std::function<bool()> ready;
  // Loaded blocks for the API and page. Unset means an empty view.
  BlocksProvider loaded_blocks;
  // POST /api/v1/read (see remote_read_handler.h). Unset means no such route.
  HttpHandler remote_read;
};

class HttpServer {
 public:
  // Registers the HTTP and status metrics in `registry`, which must outlive the server.
  HttpServer(HttpServerOptions options, prometheus::Registry* registry);
  ~HttpServer();  // Shuts down without grace if still running.

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. InvalidArgument for a malformed address; Unavailable when the address
  // cannot be bound (port in use, no such local address), with the embedded server's reason;
  // FailedPrecondition when already started.
  [[nodiscard]] absl::Status Start();

  // The bound TCP port; valid after a successful Start (resolves port 0).
  int port() const { return port_; }

  // Readiness turns false at once, new non-probe requests get 503, in-flight requests get up to
  // `grace_period` to finish, running CPU profiles are cut short, then the server stops.
  // Idempotent.
  void Shutdown();

 private:
  struct Route {
    HttpServer* server;
    std::string handler_label;  // the `handler` label of the request metrics
    bool api = false;           // CORS and OPTIONS apply
    bool probe = false;         // still served during shutdown
    HttpHandler handler;
  };

  static int Dispatch(mg_connection* conn, void* cbdata);
  void AddRoute(std::string path, std::string label, HttpHandler handler, bool api = false,
                bool probe = false);
  // Streamed bodies are written here, and `*written` set, so their time counts in the metrics.
  HttpResponse Serve(const Route& route, const HttpRequest& request, mg_connection* conn,
                     bool* written);
  bool Ready() const;
  void SleepUnlessStopping(absl::Duration d);

  HttpServerOptions options_;
  prometheus::Registry* registry_;
  ProcessCollector process_collector_;
  prometheus::Family<prometheus::Counter>* requests_total_;
  prometheus::Family<prometheus::Histogram>* request_duration_;
  prometheus::Family<prometheus::Gauge>* inflight_;
  prometheus::Gauge* status_ready_;
  prometheus::Gauge* status_healthy_;

  std::map<std::string, Route> routes_;  // exact paths; fixed before Start
  mg_context* ctx_ = nullptr;
  int port_ = 0;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int inflight_requests_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_HTTP_SERVER_H_
