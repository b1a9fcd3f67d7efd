#include "server/http/http_server.h"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "server/http/build_info.h"
#include "testing/status_matchers.h"

namespace charon::server::http {
namespace {

using ::charon::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

struct Reply {
  long status = 0;
  std::string body;
  std::string headers;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

Reply Fetch(int port, const std::string& path, const char* method = "GET") {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  Reply reply;
  const std::string url = absl::StrCat("http://127.0.0.1:", port, path);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, Append);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  CURLcode rc = curl_easy_perform(curl.get());
  EXPECT_EQ(rc, CURLE_OK) << curl_easy_strerror(rc) << " for " << url;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

const char kMeta[] = R"({"ulid":"01HQ8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z","minTime":0,"maxTime":7200000,)"
                     R"("stats":{"numSeries":3},"thanos":{"labels":{"a":"b"}}})";

class HttpServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> StartServer(HttpServerOptions options) {
    options.address = "127.0.0.1:0";
    options.grace_period = absl::Seconds(5);
    auto server = std::make_unique<HttpServer>(std::move(options), &registry_);
    EXPECT_OK(server->Start());
    return server;
  }

  HttpServerOptions DefaultOptions() {
    HttpServerOptions options;
    options.ready = [this] { return ready_.load(); };
    options.loaded_blocks = [] {
      BlocksSnapshot s;
      s.metas = {kMeta};
      s.refreshed_at = absl::FromUnixSeconds(1767225600);
      return s;
    };
    options.bucket_web_label = "a";
    return options;
  }

  prometheus::Registry registry_;
  std::atomic<bool> ready_{false};
};

TEST_F(HttpServerTest, HealthyAnswersOk) {
  auto server = StartServer(DefaultOptions());
  Reply r = Fetch(server->port(), "/-/healthy");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK");
}

TEST_F(HttpServerTest, ReadyFollowsCallbackAndStatusGauge) {
  auto server = StartServer(DefaultOptions());
  Reply r = Fetch(server->port(), "/-/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "NOT OK\n");
  EXPECT_THAT(Fetch(server->port(), "/metrics").body,
              HasSubstr("thanos_status{check=\"ready\",component=\"store\"} 0"));

  ready_ = true;
  r = Fetch(server->port(), "/-/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK");
  std::string metrics = Fetch(server->port(), "/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("thanos_status{check=\"ready\",component=\"store\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("thanos_status{check=\"healthy\",component=\"store\"} 1"));
}

TEST_F(HttpServerTest, MetricsCountRequests) {
  auto server = StartServer(DefaultOptions());
  Fetch(server->port(), "/-/healthy");
  Reply r = Fetch(server->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(
      r.body,
      HasSubstr("http_requests_total{code=\"200\",handler=\"/-/healthy\",method=\"get\"} 1"));
  EXPECT_THAT(r.body,
              HasSubstr("http_request_duration_seconds_count{code=\"200\",handler=\"/-/healthy\","
                        "method=\"get\"} 1"));
}

// The value of an unlabelled sample `name` in a text exposition; -1 when absent.
double Sample(const std::string& text, const std::string& name) {
  const std::string prefix = "\n" + name + " ";
  const size_t at = text.find(prefix);
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + prefix.size(), nullptr);
}

TEST_F(HttpServerTest, MetricsExposeProcessFiguresOfThisProcess) {
  auto server = StartServer(DefaultOptions());
  const std::string before = Fetch(server->port(), "/metrics").body;
  for (const char* type :
       {"# TYPE process_cpu_seconds_total counter", "# TYPE process_resident_memory_bytes gauge",
        "# TYPE process_virtual_memory_bytes gauge", "# TYPE process_open_fds gauge",
        "# TYPE process_max_fds gauge", "# TYPE process_start_time_seconds gauge"}) {
    EXPECT_THAT(before, HasSubstr(type));
  }
  EXPECT_GT(Sample(before, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(Sample(before, "process_virtual_memory_bytes"),
            Sample(before, "process_resident_memory_bytes"));
  EXPECT_GT(Sample(before, "process_max_fds"), 0);
  const double start = Sample(before, "process_start_time_seconds");
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 24 * 3600);  // this test binary started today

  // Opening descriptors and burning CPU move the figures of this very process.
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) fds.push_back(::dup(0));
  volatile double x = 0;
  const double cpu_before = Sample(before, "process_cpu_seconds_total");
  for (int64_t i = 0; Sample(Fetch(server->port(), "/metrics").body, "process_cpu_seconds_total") <=
                      cpu_before + 0.05;) {
    for (int j = 0; j < 10'000'000; ++j) x = x + j;
    ASSERT_LT(++i, 1000) << "CPU time did not grow";
  }
  const std::string after = Fetch(server->port(), "/metrics").body;
  EXPECT_GE(Sample(after, "process_open_fds"), Sample(before, "process_open_fds") + 20);
  for (int fd : fds) ::close(fd);
}

TEST_F(HttpServerTest, MetricsExposeBuildInfo) {
  RegisterBuildInfo({"1.2.3", "abc123", "main", "gcc 12.2.0"}, registry_);
  auto server = StartServer(DefaultOptions());
  EXPECT_THAT(Fetch(server->port(), "/metrics").body,
              HasSubstr("thanos_build_info{branch=\"main\",goarch=\"amd64\",goos=\"linux\","
                        "goversion=\"gcc 12.2.0\",revision=\"abc123\",tags=\"unknown\","
                        "version=\"1.2.3\"} 1"));
}

TEST_F(HttpServerTest, BlocksApiViews) {
  auto server = StartServer(DefaultOptions());
  Reply global = Fetch(server->port(), "/api/v1/blocks");
  EXPECT_EQ(global.status, 200);
  EXPECT_THAT(global.headers, HasSubstr("Access-Control-Allow-Origin: *"));
  nlohmann::json g = nlohmann::json::parse(global.body);
  EXPECT_EQ(g["data"]["blocks"], nlohmann::json::array());
  EXPECT_EQ(g["data"]["label"], "a");

  Reply loaded = Fetch(server->port(), "/api/v1/blocks?view=loaded");
  nlohmann::json l = nlohmann::json::parse(loaded.body);
  ASSERT_EQ(l["data"]["blocks"].size(), 1u);
  EXPECT_EQ(l["data"]["blocks"][0]["ulid"], "01HQ8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z");
  EXPECT_EQ(l["data"]["refreshedAt"], "2026-01-01T00:00:00Z");

  Reply options = Fetch(server->port(), "/api/v1/blocks", "OPTIONS");
  EXPECT_EQ(options.status, 200);
  EXPECT_THAT(options.headers, HasSubstr("Access-Control-Allow-Methods: GET, OPTIONS"));
}

TEST_F(HttpServerTest, CorsCanBeDisabled) {
  HttpServerOptions options = DefaultOptions();
  options.disable_cors = true;
  auto server = StartServer(std::move(options));
  Reply r = Fetch(server->port(), "/api/v1/blocks");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers, Not(HasSubstr("Access-Control-Allow-Origin")));
}

TEST_F(HttpServerTest, WebDisableRemovesApiAndPages) {
  HttpServerOptions options = DefaultOptions();
  options.disable_web = true;
  auto server = StartServer(std::move(options));
  EXPECT_EQ(Fetch(server->port(), "/api/v1/blocks").status, 404);
  EXPECT_EQ(Fetch(server->port(), "/").status, 404);
  EXPECT_EQ(Fetch(server->port(), "/-/healthy").status, 200);
}

TEST_F(HttpServerTest, PagesListLoadedBlocks) {
  auto server = StartServer(DefaultOptions());
  for (const char* path : {"/", "/loaded"}) {
    SCOPED_TRACE(path);
    Reply r = Fetch(server->port(), path);
    EXPECT_EQ(r.status, 200);
    EXPECT_THAT(r.headers, HasSubstr("Content-Type: text/html"));
    EXPECT_THAT(r.body, HasSubstr("01HQ8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z"));
  }
  EXPECT_EQ(Fetch(server->port(), "/no/such/page").status, 404);
}

TEST_F(HttpServerTest, CpuProfile) {
  auto server = StartServer(DefaultOptions());
  Reply r = Fetch(server->port(), "/debug/pprof/profile?seconds=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.headers, HasSubstr("Content-Type: application/octet-stream"));
  EXPECT_FALSE(r.body.empty());
}

TEST_F(HttpServerTest, ShutdownCutsCpuProfileShort) {
  auto server = StartServer(DefaultOptions());
  const int port = server->port();
  Reply r;
  std::thread client([&] { r = Fetch(port, "/debug/pprof/profile?seconds=60"); });
  // The profile request is in flight once the profiler is on; poll the in-flight gauge.
  for (int i = 0; i < 500; ++i) {
    if (Fetch(port, "/metrics")
            .body.find("http_inflight_requests{handler=\"/debug/pprof/profile\","
                       "method=\"get\"} 1") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const absl::Time start = absl::Now();
  server->Shutdown();
  client.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpServerTest, HeapProfileExplainsWhenOff) {
  if (std::getenv("TCMALLOC_SAMPLE_PARAMETER") != nullptr ||
      std::getenv("HEAPPROFILE") != nullptr) {
    GTEST_SKIP() << "heap profiling switched on by the environment";
  }
  auto server = StartServer(DefaultOptions());
  Reply r = Fetch(server->port(), "/debug/pprof/heap");
  EXPECT_EQ(r.status, 501);
  EXPECT_THAT(r.body, HasSubstr("tcmalloc"));
}

TEST_F(HttpServerTest, PortInUseIsUnavailable) {
  auto first = StartServer(DefaultOptions());
  HttpServerOptions options = DefaultOptions();
  options.address = absl::StrCat("127.0.0.1:", first->port());
  prometheus::Registry other_registry;
  HttpServer second(std::move(options), &other_registry);
  absl::Status s = second.Start();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, "cannot listen on http address"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, "Address already in use"));
}

TEST_F(HttpServerTest, MalformedAddressIsInvalidArgument) {
  for (const char* address : {"nonsense", "127.0.0.1:http", "127.0.0.1:70000"}) {
    SCOPED_TRACE(address);
    HttpServerOptions options;
    options.address = address;
    HttpServer server(std::move(options), &registry_);
    EXPECT_THAT(server.Start(), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

}  // namespace
}  // namespace charon::server::http
