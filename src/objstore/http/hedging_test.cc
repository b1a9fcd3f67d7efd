// Hedged GETs against the scripted test server: a hung GET is answered by its copy, copies are
// bounded by up_to, nothing is hedged before the latencies are known or when hedging is off, and
// the pool keeps its connections. Also the latency quantiles and `hedging_config` parsing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "base/status_macros.h"
#include "objstore/http/http_client.h"
#include "objstore/http/latency_tracker.h"
#include "objstore/http/testing/client_test_util.h"
#include "objstore/http/testing/test_http_server.h"
#include "testing/status_matchers.h"

namespace charon::objstore::http {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;

constexpr int kWarmUp = 20;  // more than the tracker's minimum of samples

// "/warm" answers at once; the first `hangs` requests for "/slow" never get an answer, later ones
// do.
struct HangingServer {
  explicit HangingServer(int hangs) : hangs(hangs) {
    auto started = TestHttpServer::Start([this](const RecordedRequest& r) {
      if (r.target != "/slow") return TestResponse{.body = "warm"};
      return ++slow_calls <= this->hangs ? TestResponse{.hang = true}
                                         : TestResponse{.body = "answered"};
    });
    EXPECT_THAT(started, IsOk());
    if (started.ok()) server = *std::move(started);
  }
  const int hangs;
  std::atomic<int> slow_calls{0};
  std::unique_ptr<TestHttpServer> server;
};

struct Counts {
  std::atomic<int> hedges{0}, wins{0};
};

HedgingPolicy Hedging(int up_to, Counts& counts, bool enabled = true) {
  HedgingPolicy h;
  h.enabled = enabled;
  h.up_to = up_to;
  h.quantile = 0.9;
  h.on_hedge = [&counts] { ++counts.hedges; };
  h.on_hedge_won = [&counts] { ++counts.wins; };
  return h;
}

std::unique_ptr<HttpClient> Client(HedgingPolicy hedging, RetryPolicy retry = FastRetries(1)) {
  auto client = HttpClient::Create({}, retry, std::move(hedging));
  EXPECT_THAT(client, IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

void WarmUp(HttpClient& client, const TestHttpServer& server) {
  for (int i = 0; i < kWarmUp; ++i) {
    absl::StatusOr<HttpResponse> r = client.Do(Get(server.url() + "/warm"));
    ASSERT_THAT(r, IsOk());
  }
}

HttpRequest SlowGet(const TestHttpServer& server, absl::Duration timeout) {
  HttpRequest r = Get(server.url() + "/slow");
  r.timeout = timeout;
  return r;
}

TEST(Hedging, AHungGetIsAnsweredByItsHedge) {
  HangingServer s(/*hangs=*/1);
  ASSERT_NE(s.server, nullptr);
  Counts counts;
  auto client = Client(Hedging(/*up_to=*/2, counts));
  WarmUp(*client, *s.server);
  const int hedges = counts.hedges, wins = counts.wins;
  // The timeout only guards against a hang of the test itself.
  ASSERT_OK_AND_ASSIGN(HttpResponse r, client->Do(SlowGet(*s.server, absl::Minutes(2))));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "answered");
  EXPECT_EQ(counts.hedges - hedges, 1);
  EXPECT_EQ(s.slow_calls.load(), 2);
  // The server hangs whichever copy reaches it first: nearly always the first request, so the
  // hedge wins; if the hedge overtook it, the first request answers.
  EXPECT_LE(counts.wins - wins, 1);
}

TEST(Hedging, UpToBoundsTheRequestsInFlight) {
  HangingServer s(/*hangs=*/100);
  ASSERT_NE(s.server, nullptr);
  Counts counts;
  auto client = Client(Hedging(/*up_to=*/3, counts));
  WarmUp(*client, *s.server);
  const int hedges = counts.hedges;
  EXPECT_THAT(client->Do(SlowGet(*s.server, absl::Milliseconds(800))),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(counts.hedges - hedges, 2);
  EXPECT_EQ(s.slow_calls.load(), 3);
}

TEST(Hedging, OffAHungGetWaitsForItsTimeout) {
  HangingServer s(/*hangs=*/1);
  ASSERT_NE(s.server, nullptr);
  Counts counts;
  auto client = Client(Hedging(/*up_to=*/3, counts, /*enabled=*/false), FastRetries(3));
  WarmUp(*client, *s.server);
  // The attempt hangs until the call's deadline; no time is left for a retry.
  EXPECT_THAT(client->Do(SlowGet(*s.server, absl::Milliseconds(400))),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(counts.hedges, 0);
  EXPECT_EQ(s.slow_calls.load(), 1);
}

TEST(Hedging, NothingIsHedgedBeforeTheLatenciesAreKnown) {
  HangingServer s(/*hangs=*/1);
  ASSERT_NE(s.server, nullptr);
  Counts counts;
  auto client = Client(Hedging(/*up_to=*/3, counts));
  EXPECT_THAT(client->Do(SlowGet(*s.server, absl::Milliseconds(300))),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(counts.hedges, 0);
  EXPECT_EQ(s.slow_calls.load(), 1);
}

TEST(Hedging, OnlyGetsAreHedged) {
  HangingServer s(/*hangs=*/1);
  ASSERT_NE(s.server, nullptr);
  Counts counts;
  auto client = Client(Hedging(/*up_to=*/3, counts));
  WarmUp(*client, *s.server);
  const int hedges = counts.hedges;
  HttpRequest head = SlowGet(*s.server, absl::Milliseconds(300));
  head.method = "HEAD";
  EXPECT_THAT(client->Do(head), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(counts.hedges - hedges, 0);
}

TEST(Hedging, PooledConnectionsAreKept) {
  HangingServer s(/*hangs=*/0);
  ASSERT_NE(s.server, nullptr);
  Counts counts;
  auto client = Client(Hedging(/*up_to=*/2, counts));
  for (int i = 0; i < 3 * kWarmUp; ++i) {
    ASSERT_THAT(client->Do(Get(s.server->url() + "/warm")), IsOk());
  }
  // Sequential quick calls reuse one connection; each hedge may cost a connection for the copy
  // and one for the cancelled request.
  EXPECT_LE(s.server->accepted_connections(), 1 + 2 * counts.hedges.load());
}

TEST(LatencyTracker, QuantilesOfTheKeptWindow) {
  LatencyTracker t(/*window=*/10, /*min_samples=*/5);
  for (int i = 1; i <= 4; ++i) t.Add(absl::Milliseconds(i));
  EXPECT_EQ(t.Quantile(0.9), std::nullopt);
  for (int i = 5; i <= 10; ++i) t.Add(absl::Milliseconds(i));
  EXPECT_EQ(t.Quantile(0.9), absl::Milliseconds(9));
  EXPECT_EQ(t.Quantile(1.0), absl::Milliseconds(10));
  EXPECT_EQ(t.Quantile(0.5), absl::Milliseconds(5));
  // Ten more samples push the first ten out.
  for (int i = 0; i < 10; ++i) t.Add(absl::Milliseconds(100));
  EXPECT_EQ(t.Quantile(0.1), absl::Milliseconds(100));
}

absl::StatusOr<HedgingPolicy> ParseHedging(const std::string& yaml) {
  YAML::Node node = YAML::Load(yaml);
  CHARON_ASSIGN_OR_RETURN(config::YamlMap map, config::YamlMap::Of(node, "", "objstore.yml"));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap hedging, map.Map("hedging_config"));
  return ParseHedgingConfig(hedging);
}

TEST(ParseHedgingConfig, DefaultsAreThanos) {
  ASSERT_OK_AND_ASSIGN(HedgingPolicy h, ParseHedging("{}"));
  EXPECT_FALSE(h.enabled);
  EXPECT_EQ(h.up_to, 3);
  EXPECT_DOUBLE_EQ(h.quantile, 0.9);
  ASSERT_OK_AND_ASSIGN(h, ParseHedging("hedging_config: {enabled: true, up_to: 2, quantile: 0.5}"));
  EXPECT_TRUE(h.enabled);
  EXPECT_EQ(h.up_to, 2);
  EXPECT_DOUBLE_EQ(h.quantile, 0.5);
}

TEST(ParseHedgingConfig, RejectsBadValues) {
  for (const char* yaml : {"hedging_config: {up_to: 0}", "hedging_config: {quantile: 0}",
                           "hedging_config: {quantile: 1.5}", "hedging_config: {enable: true}",
                           "hedging_config: {enabled: maybe}"}) {
    SCOPED_TRACE(yaml);
    EXPECT_THAT(ParseHedging(yaml), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

}  // namespace
}  // namespace charon::objstore::http
