#include "server/http/http_server.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/strings.h"
#include "civetweb.h"
#include "prometheus/text_serializer.h"
#include "server/http/pprof_handlers.h"

namespace charon::server::http {
namespace {

// Thanos' request-duration buckets (extpromhttp).
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120};

// Prometheus' API CORS headers, which Thanos reuses.
void AddCorsHeaders(HttpResponse* r) {
  r->headers.emplace_back("Access-Control-Allow-Headers",
                          "Accept, Accept-Encoding, Authorization, Content-Type, Origin");
  r->headers.emplace_back("Access-Control-Allow-Methods", "GET, OPTIONS");
  r->headers.emplace_back("Access-Control-Allow-Origin", "*");
  r->headers.emplace_back("Access-Control-Expose-Headers", "Date");
}

// civetweb wants "ip:port", "[ip6]:port" or "port"; Go accepts ":port" and host names too.
absl::StatusOr<std::string> CivetwebListeningPort(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("http address \"", base::Absl(address), "\" must be host:port"));
  }
  std::string_view host = address.substr(0, colon);
  std::string_view port = address.substr(colon + 1);
  int port_number = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (ec != std::errc() || ptr != port.data() + port.size() || port_number < 0 ||
      port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("http address \"", base::Absl(address), "\" has an invalid port"));
  }
  if (host.empty()) return std::string(port);
  if (host == "localhost") return absl::StrCat("127.0.0.1:", base::Absl(port));
  return std::string(address);
}

void WriteResponse(mg_connection* conn, const HttpRequest& request, const HttpResponse& response) {
  mg_response_header_start(conn, response.status);
  mg_response_header_add(conn, "Content-Type", response.content_type.c_str(), -1);
  const std::string length = absl::StrCat(response.body.size());
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  for (const auto& [name, value] : response.headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
  }
  mg_response_header_send(conn);
  if (request.method != "HEAD" && !response.body.empty()) {
    mg_write(conn, response.body.data(), response.body.size());
  }
}

// Reads the request body, stopping one byte past the limit so that handlers can tell "too long".
std::string ReadBody(mg_connection* conn) {
  // Read straight into the string: civetweb's worker stacks are small, no buffer goes there.
  constexpr size_t kStep = 64 << 10;
  std::string body;
  size_t used = 0;
  while (used <= HttpRequest::kMaxRequestBody) {
    body.resize(used + kStep);
    const int n = mg_read(conn, body.data() + used, kStep);
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  body.resize(std::min(used, HttpRequest::kMaxRequestBody + 1));
  return body;
}

// Runs `response->stream`, sending the header with the first piece and the body as HTTP chunks.
// Returns false, with `*response` turned into the error response still to be written, when the
// stream failed before writing anything.
bool StreamBody(mg_connection* conn, HttpResponse* response) {
  bool started = false;
  bool client_gone = false;
  auto start = [&] {
    mg_response_header_start(conn, response->status);
    mg_response_header_add(conn, "Content-Type", response->content_type.c_str(), -1);
    mg_response_header_add(conn, "Transfer-Encoding", "chunked", -1);
    for (const auto& [name, value] : response->headers) {
      mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
    }
    mg_response_header_send(conn);
    started = true;
  };
  BodyWriter write = [&](std::string_view piece) {
    if (client_gone) return false;
    if (!started) start();
    if (piece.empty()) return true;
    if (mg_send_chunk(conn, piece.data(), static_cast<unsigned>(piece.size())) < 0) {
      client_gone = true;
    }
    return !client_gone;
  };
  StreamOutcome outcome = response->stream(write);
  response->stream = nullptr;
  if (!started && outcome.status != 200) {
    *response = HttpResponse::Text(outcome.status, std::move(outcome.error));
    return false;
  }
  if (!started) start();
  if (!client_gone && outcome.status != 200 && !outcome.error.empty()) {
    mg_send_chunk(conn, outcome.error.data(), static_cast<unsigned>(outcome.error.size()));
  }
  if (!client_gone) mg_send_chunk(conn, "", 0);  // the last chunk
  return true;
}

// civetweb reports why a bind failed ("cannot bind to ...: 98 (Address already in use)") only
// through the log callback, on the thread calling mg_start2; Start picks it up from here. Only the
// starting thread collects.
thread_local bool collect_startup_messages = false;
thread_local std::vector<std::string> startup_messages;

int LogCivetwebMessage(const mg_connection*, const char* message) {
  if (collect_startup_messages) startup_messages.emplace_back(message);
  // Client disconnects and the like; the outcome of every request is in the metrics.
  base::LogDebug("http server", {{"detail", message}});
  return 1;
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, prometheus::Registry* registry)
    : options_(std::move(options)), registry_(registry) {
  requests_total_ = &prometheus::BuildCounter()
                         .Name("http_requests_total")
                         .Help("Tracks the number of HTTP requests.")
                         .Register(*registry_);
  request_duration_ = &prometheus::BuildHistogram()
                           .Name("http_request_duration_seconds")
                           .Help("Tracks the latencies for HTTP requests.")
                           .Register(*registry_);
  inflight_ = &prometheus::BuildGauge()
                   .Name("http_inflight_requests")
                   .Help("Current number of HTTP requests the handler is responding to.")
                   .Register(*registry_);
  auto& status =
      prometheus::BuildGauge()
          .Name("thanos_status")
          .Help("Represents status (0 indicates failure, 1 indicates success) of the component.")
          .Register(*registry_);
  status_ready_ = &status.Add({{"component", options_.component}, {"check", "ready"}});
  status_healthy_ = &status.Add({{"component", options_.component}, {"check", "healthy"}});

  AddRoute(
      "/-/healthy", "/-/healthy", [](const HttpRequest&) { return HttpResponse::Text(200, "OK"); },
      /*api=*/false, /*probe=*/true);
  AddRoute(
      "/-/ready", "/-/ready",
      [this](const HttpRequest&) {
        const bool ready = Ready();
        status_ready_->Set(ready ? 1 : 0);
        // Go's http.Error adds the newline.
        return ready ? HttpResponse::Text(200, "OK") : HttpResponse::Text(503, "NOT OK\n");
      },
      /*api=*/false, /*probe=*/true);
  AddRoute("/metrics", "/metrics", [this](const HttpRequest&) {
    status_ready_->Set(Ready() ? 1 : 0);
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    std::vector<prometheus::MetricFamily> families = registry_->Collect();
    for (prometheus::MetricFamily& f : process_collector_.Collect())
      families.push_back(std::move(f));
    r.body = prometheus::TextSerializer().Serialize(families);
    return r;
  });
  AddRoute("/debug/pprof/", "/debug/pprof/", PprofIndex);
  AddRoute("/debug/pprof/profile", "/debug/pprof/profile", [this](const HttpRequest& r) {
    return CpuProfile(r, [this](absl::Duration d) { SleepUnlessStopping(d); });
  });
  AddRoute("/debug/pprof/heap", "/debug/pprof/heap", HeapProfile);

  if (!options_.disable_web) {
    AddRoute(
        "/api/v1/blocks", "blocks",
        [this](const HttpRequest& r) {
          const bool loaded_view = r.QueryParam("view") == std::optional<std::string>("loaded");
          BlocksSnapshot snapshot;
          if (loaded_view && options_.loaded_blocks) snapshot = options_.loaded_blocks();
          HttpResponse response;
          response.content_type = "application/json";
          response.body = RenderBlocksJson(options_.bucket_web_label, snapshot, loaded_view);
          return response;
        },
        /*api=*/true);
    HttpHandler page = [this](const HttpRequest&) {
      BlocksSnapshot snapshot;
      if (options_.loaded_blocks) snapshot = options_.loaded_blocks();
      HttpResponse response;
      response.content_type = "text/html; charset=utf-8";
      response.body = RenderBlocksPage(options_.bucket_web_label, snapshot);
      return response;
    };
    AddRoute("/", "/", page);
    AddRoute("/loaded", "/loaded", page);
  }
  if (options_.remote_read) AddRoute("/api/v1/read", "/api/v1/read", options_.remote_read);
}

HttpServer::~HttpServer() {
  options_.grace_period = absl::ZeroDuration();
  Shutdown();
}

void HttpServer::AddRoute(std::string path, std::string label, HttpHandler handler, bool api,
                          bool probe) {
  routes_.emplace(std::move(path), Route{this, std::move(label), api, probe, std::move(handler)});
}

bool HttpServer::Ready() const {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
  }
  return options_.ready && options_.ready();
}

void HttpServer::SleepUnlessStopping(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
}

absl::Status HttpServer::Start() {
  if (ctx_ != nullptr) return absl::FailedPreconditionError("http server already started");
  absl::StatusOr<std::string> ports = CivetwebListeningPort(options_.address);
  if (!ports.ok()) return ports.status();
  const std::string threads = absl::StrCat(options_.num_threads);
  // tcp_nodelay: the header and the body (and each chunk of a streamed body) are separate
  // writes; with Nagle's algorithm the second waits for the client's delayed ACK, ~40 ms a call.
  const char* config[] = {
      "listening_ports",
      ports->c_str(),
      "num_threads",
      threads.c_str(),
      "enable_keep_alive",
      "yes",
      "tcp_nodelay",
      "1",
      nullptr,
  };
  mg_callbacks callbacks{};
  callbacks.log_message = LogCivetwebMessage;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = this;
  init.configuration_options = config;
  char error_text[256] = {0};
  unsigned error_code = 0;
  mg_error_data error{};
  error.code = &error_code;
  error.text = error_text;
  error.text_buffer_size = sizeof(error_text);

  startup_messages.clear();
  collect_startup_messages = true;
  ctx_ = mg_start2(&init, &error);
  collect_startup_messages = false;
  std::vector<std::string> messages = std::move(startup_messages);
  startup_messages.clear();
  if (ctx_ == nullptr) {
    const std::string summary = error_text[0] != '\0' ? error_text : "unknown error";
    std::string reason = summary;
    for (const std::string& m : messages) {
      absl::string_view detail = absl::StripAsciiWhitespace(m);
      if (detail != summary) absl::StrAppend(&reason, "; ", detail);
    }
    return absl::UnavailableError(
        absl::StrCat("cannot listen on http address ", options_.address, ": ", reason));
  }
  mg_set_request_handler(ctx_, "/", &HttpServer::Dispatch, this);
  mg_server_port bound[4];
  int n = mg_get_server_ports(ctx_, 4, bound);
  port_ = n > 0 ? bound[0].port : 0;
  status_healthy_->Set(1);
  base::LogInfo("listening for HTTP", {{"address", options_.address}, {"port", port_}});
  return absl::OkStatus();
}

void HttpServer::Shutdown() {
  if (ctx_ == nullptr) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    status_ready_->Set(0);
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return inflight_requests_ == 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&idle), options_.grace_period)) {
      base::LogWarn("http server grace period over with requests in flight",
                    {{"in_flight", inflight_requests_}, {"grace_period", options_.grace_period}});
    }
  }
  mg_stop(ctx_);
  ctx_ = nullptr;
  status_healthy_->Set(0);
  base::LogInfo("http server stopped", {{"address", options_.address}});
}

int HttpServer::Dispatch(mg_connection* conn, void* cbdata) {
  auto* self = static_cast<HttpServer*>(cbdata);
  const mg_request_info* info = mg_get_request_info(conn);
  HttpRequest request;
  request.method = info->request_method != nullptr ? info->request_method : "";
  request.path = info->local_uri != nullptr ? info->local_uri : "";
  request.query = info->query_string != nullptr ? info->query_string : "";
  request.body = ReadBody(conn);
  auto it = self->routes_.find(request.path);
  const Route* route = it == self->routes_.end() ? nullptr : &it->second;

  // In flight until the response is written, so that Shutdown never cuts a response in half.
  bool stopping;
  {
    absl::MutexLock lock(&self->mu_);
    stopping = self->stopping_;
    ++self->inflight_requests_;
  }
  HttpResponse response;
  bool written = false;
  if (route == nullptr) {
    response = HttpResponse::Text(404, "404 page not found\n");
  } else if (stopping && !route->probe) {
    response = HttpResponse::Text(503, "server is shutting down\n");
  } else {
    response = self->Serve(*route, request, conn, &written);
  }
  if (!written) WriteResponse(conn, request, response);
  {
    absl::MutexLock lock(&self->mu_);
    --self->inflight_requests_;
  }
  return response.status;
}

HttpResponse HttpServer::Serve(const Route& route, const HttpRequest& request, mg_connection* conn,
                               bool* written) {
  const std::string method = absl::AsciiStrToLower(request.method);
  prometheus::Gauge& inflight =
      inflight_->Add({{"handler", route.handler_label}, {"method", method}});
  inflight.Increment();
  const absl::Time start = absl::Now();

  HttpResponse response;
  if (route.api && request.method == "OPTIONS") {
    response.content_type = "application/json";
    response.body = "{\"status\":\"success\"}";
  } else {
    response = route.handler(request);
  }
  if (route.api && !options_.disable_cors) AddCorsHeaders(&response);
  if (response.stream) *written = StreamBody(conn, &response);

  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  inflight.Decrement();
  const prometheus::Labels labels = {{"code", absl::StrCat(response.status)},
                                     {"handler", route.handler_label},
                                     {"method", method}};
  requests_total_->Add(labels).Increment();
  request_duration_->Add(labels, kDurationBuckets).Observe(seconds);
  return response;
}

}  // namespace charon::server::http
