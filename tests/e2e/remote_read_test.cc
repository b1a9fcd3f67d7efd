// Prometheus 2.42 as a real remote-read client of `charon store`.
//
// The conformance data (conformance_data.h) is written as Thanos-style blocks into a bucket and as
// plain blocks into the data directory of an oracle Prometheus. Three readers are started with an
// empty TSDB and `remote_read: [{url: <charon>/api/v1/read, read_recent: true}]`:
//   single   one `charon store` serving every block;
//   sharded  two `charon store` replicas, each keeping half the blocks by a hashmod relabel config
//            on __block_id, both in one remote_read list.
// Every PromQL range query must give the oracle's answer on both readers. The endpoint is also
// asked directly, in both response types, and compared with the oracle's raw samples.
//
// CHARON_BINARY names the charon executable (set by CMake); the test fails without it.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "e2e/charon_store_server.h"
#include "e2e/conformance_data.h"
#include "e2e/http_get.h"
#include "e2e/http_post.h"
#include "e2e/prometheus_api.h"
#include "e2e/prometheus_server.h"
#include "e2e/series_diff.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http/remote_read_test_util.h"
#include "snappy.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tsdb/xor_chunk.h"

namespace charon::e2e {
namespace {

using server::http::prompb::LabelMatcher;
using server::http::prompb::ReadRequest;

std::string RemoteReadConfig(const std::vector<int>& http_ports) {
  std::string yaml = "scrape_configs: []\nremote_read:\n";
  for (int port : http_ports) {
    absl::StrAppend(&yaml, "  - url: http://127.0.0.1:", port,
                    "/api/v1/read\n    read_recent: true\n");
  }
  return yaml;
}

// Keeps the blocks whose __block_id hashes to `shard` of 2.
std::string ShardRelabelConfig(int shard) {
  return absl::StrCat(
      "- action: hashmod\n  source_labels: [__block_id]\n  target_label: shard\n  modulus: 2\n"
      "- action: keep\n  source_labels: [shard]\n  regex: \"",
      shard, "\"\n");
}

class RemoteReadEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* binary = std::getenv("CHARON_BINARY");
    ASSERT_TRUE(binary != nullptr && *binary != '\0' && access(binary, X_OK) == 0)
        << "CHARON_BINARY must name the charon executable";
    ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("charon-remote-read"));
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    data_ = std::make_unique<ConformanceData>(DayAlignedStart(3));
    for (const testing::BlockBuilder& b : data_->BucketBuilders()) {
      ASSERT_OK(b.WriteBlocks(dir_->Path("bucket")).status());
    }
    for (const testing::BlockBuilder& b : data_->PrometheusBuilders()) {
      ASSERT_OK(b.WriteBlocks(dir_->Path("oracle/data")).status());
    }
    PrometheusServerOptions oracle;
    oracle.data_dir = dir_->Path("oracle/data");
    oracle.work_dir = dir_->Path("oracle");
    ASSERT_OK_AND_ASSIGN(oracle_, PrometheusServer::Start(oracle));

    auto start_store =
        [&](const std::string& name,
            std::vector<std::string> flags) -> absl::StatusOr<std::unique_ptr<CharonStoreServer>> {
      CharonStoreServerOptions o;
      o.binary = binary;
      o.bucket_dir = dir_->Path("bucket");
      o.work_dir = dir_->Path(name);
      o.extra_flags = std::move(flags);
      if (absl::Status s = testing::WriteFile(o.work_dir + "/.keep", ""); !s.ok()) return s;
      return CharonStoreServer::Start(o);
    };
    ASSERT_OK_AND_ASSIGN(single_, start_store("charon-single", {}));
    for (int shard = 0; shard < 2; ++shard) {
      ASSERT_OK_AND_ASSIGN(auto s,
                           start_store(absl::StrCat("charon-shard", shard),
                                       {"--selector.relabel-config=" + ShardRelabelConfig(shard)}));
      shards_.push_back(std::move(s));
    }

    auto start_reader =
        [&](const std::string& name,
            const std::vector<int>& ports) -> absl::StatusOr<std::unique_ptr<PrometheusServer>> {
      PrometheusServerOptions o;
      o.data_dir = dir_->Path(name + "/data");
      o.work_dir = dir_->Path(name);
      o.config_yaml = RemoteReadConfig(ports);
      if (absl::Status s = testing::WriteFile(o.data_dir + "/.keep", ""); !s.ok()) return s;
      return PrometheusServer::Start(o);
    };
    ASSERT_OK_AND_ASSIGN(single_reader_, start_reader("reader-single", {single_->http_port()}));
    ASSERT_OK_AND_ASSIGN(
        sharded_reader_,
        start_reader("reader-sharded", {shards_[0]->http_port(), shards_[1]->http_port()}));
  }

  void TearDown() override {
    single_reader_.reset();
    sharded_reader_.reset();
    shards_.clear();
    single_.reset();
    oracle_.reset();
    if (std::getenv("CHARON_KEEP_TEMP") == nullptr) dir_.reset();
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static std::unique_ptr<ConformanceData> data_;
  static std::unique_ptr<PrometheusServer> oracle_, single_reader_, sharded_reader_;
  static std::unique_ptr<CharonStoreServer> single_;
  static std::vector<std::unique_ptr<CharonStoreServer>> shards_;
};

std::unique_ptr<testing::TempDir> RemoteReadEnvironment::dir_;
std::unique_ptr<ConformanceData> RemoteReadEnvironment::data_;
std::unique_ptr<PrometheusServer> RemoteReadEnvironment::oracle_;
std::unique_ptr<PrometheusServer> RemoteReadEnvironment::single_reader_;
std::unique_ptr<PrometheusServer> RemoteReadEnvironment::sharded_reader_;
std::unique_ptr<CharonStoreServer> RemoteReadEnvironment::single_;
std::vector<std::unique_ptr<CharonStoreServer>> RemoteReadEnvironment::shards_;

using Env = RemoteReadEnvironment;

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new RemoteReadEnvironment);

// The `data` of a query_range answer, with the matrix sorted by labels.
absl::StatusOr<nlohmann::json> RangeQuery(const PrometheusServer& p, const std::string& expr,
                                          int64_t start, int64_t end, int64_t step_s) {
  const std::string url =
      absl::StrCat(p.url(), "/api/v1/query_range?query=", UrlEncode(expr),
                   "&start=", ApiTime(start), "&end=", ApiTime(end), "&step=", step_s);
  absl::StatusOr<HttpResponse> r = HttpGet(url);
  if (!r.ok()) return r.status();
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || j.value("status", "") != "success") {
    return absl::InternalError(absl::StrCat(expr, ": HTTP ", r->status, ": ", r->body));
  }
  nlohmann::json data = j["data"];
  auto& result = data["result"];
  std::sort(result.begin(), result.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["metric"].dump() < b["metric"].dump();
  });
  return data;
}

// Values equal as printed, or within a relative 1e-12 (float sums in another order).
bool SameValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  double x = 0, y = 0;
  if (!absl::SimpleAtod(a, &x) || !absl::SimpleAtod(b, &y)) return false;
  return std::fabs(x - y) <= 1e-12 * std::max(std::fabs(x), std::fabs(y));
}

std::string DiffMatrix(const nlohmann::json& want, const nlohmann::json& got) {
  if (want["resultType"] != got["resultType"]) return "result types differ";
  const auto& w = want["result"];
  const auto& g = got["result"];
  if (w.size() != g.size()) {
    return absl::StrCat(w.size(), " series wanted, got ", g.size(), ": ",
                        got.dump().substr(0, 600));
  }
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i]["metric"] != g[i]["metric"]) {
      return absl::StrCat("series ", i, ": want ", w[i]["metric"].dump(), " got ",
                          g[i]["metric"].dump());
    }
    const auto& wv = w[i]["values"];
    const auto& gv = g[i]["values"];
    if (wv.size() != gv.size()) {
      return absl::StrCat(w[i]["metric"].dump(), ": ", wv.size(), " points wanted, got ",
                          gv.size());
    }
    for (size_t k = 0; k < wv.size(); ++k) {
      if (wv[k][0] != gv[k][0] ||
          !SameValue(wv[k][1].get<std::string>(), gv[k][1].get<std::string>())) {
        return absl::StrCat(w[i]["metric"].dump(), " point ", k, ": want ", wv[k].dump(), " got ",
                            gv[k].dump());
      }
    }
  }
  return "";
}

const char* const kExpressions[] = {
    "rate(http_requests_total[5m])",
    "increase(http_requests_total{code=\"500\"}[10m])",
    "irate(http_requests_total{instance=\"10.0.0.1:9090\"}[5m])",
    "sum by (job) (rate(http_requests_total[5m]))",
    "sum by (cluster, method) (rate(http_requests_total[5m]))",
    "histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[5m])))",
    "histogram_quantile(0.5, rate(request_duration_seconds_bucket{handler=\"/metrics\"}[10m]))",
    "rate(http_requests_total{method=\"GET\"}[5m] offset 30m)",
    "sum(rate(http_requests_total[5m])) / sum(rate(http_requests_total[5m] offset 1h))",
    "max_over_time(rate(node_cpu_seconds_total[5m])[30m:1m])",
    "avg_over_time(m[15m])",
    "min_over_time(m{a=\"1\"}[10m])",
    "count_over_time(sparse[1h])",
    "quantile_over_time(0.9, node_cpu_seconds_total[20m])",
    "stddev_over_time(m[30m])",
    "last_over_time(sparse[30m])",
    "changes(sparse[2h])",
    "deriv(m[10m])",
    "delta(node_cpu_seconds_total{cpu=\"0\"}[15m])",
    "topk(3, rate(http_requests_total[5m]))",
    "bottomk(2, sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])))",
    "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
    "absent(nonexistent_metric)",
    "absent(up{job=\"missing\"})",
    "count by (cluster) (up)",
    "sum by (env) (svc_info)",
    "weird{path=~\".*[()].*\"}",
    "case_test{kind=~\"(?i)foo\"}",
    "special_values",
    "mid_only",
};

class RemoteReadPromQL : public ::testing::TestWithParam<const char*> {};

TEST_P(RemoteReadPromQL, ReadersAnswerAsTheOracle) {
  const int64_t start = Env::data_->t0() + 20 * kMinuteMs;
  const int64_t end = Env::data_->end() - 20 * kMinuteMs;
  ASSERT_OK_AND_ASSIGN(nlohmann::json want, RangeQuery(*Env::oracle_, GetParam(), start, end, 120));
  EXPECT_FALSE(want["result"].empty()) << "the oracle has no answer; the case tests nothing";
  ASSERT_OK_AND_ASSIGN(nlohmann::json single,
                       RangeQuery(*Env::single_reader_, GetParam(), start, end, 120));
  EXPECT_EQ(DiffMatrix(want, single), "") << "one store";
  ASSERT_OK_AND_ASSIGN(nlohmann::json sharded,
                       RangeQuery(*Env::sharded_reader_, GetParam(), start, end, 120));
  EXPECT_EQ(DiffMatrix(want, sharded), "") << "two sharded stores";
}

INSTANTIATE_TEST_SUITE_P(Expressions, RemoteReadPromQL, ::testing::ValuesIn(kExpressions));

TEST(RemoteReadSharding, EachReplicaServesPartOfTheBlocks) {
  auto loaded = [](const CharonStoreServer& s) -> size_t {
    absl::StatusOr<HttpResponse> r =
        HttpGet(absl::StrCat("http://127.0.0.1:", s.http_port(), "/api/v1/blocks?view=loaded"));
    if (!r.ok() || r->status != 200) return 0;
    return nlohmann::json::parse(r->body)["data"]["blocks"].size();
  };
  const size_t all = loaded(*Env::single_);
  const size_t a = loaded(*Env::shards_[0]), b = loaded(*Env::shards_[1]);
  EXPECT_GT(all, 2u);
  EXPECT_GT(a, 0u);
  EXPECT_GT(b, 0u);
  EXPECT_EQ(a + b, all);
}

// Direct requests: the same selection asked in both response types equals the oracle's samples.
class RemoteReadEndpoint : public ::testing::Test {
 protected:
  static std::string Url() {
    return absl::StrCat("http://127.0.0.1:", Env::single_->http_port(), "/api/v1/read");
  }
  static absl::StatusOr<PostResponse> Post(const ReadRequest& req) {
    return HttpPost(Url(), server::http::EncodeRequest(req),
                    {"Content-Type: application/x-protobuf", "Content-Encoding: snappy",
                     "X-Prometheus-Remote-Read-Version: 0.1.0"});
  }
  static tsdb::Labels ToLabels(
      const google::protobuf::RepeatedPtrField<server::http::prompb::Label>& pb) {
    tsdb::Labels ls;
    for (const auto& l : pb) ls.push_back({l.name(), l.value()});
    return ls;
  }
  int64_t mint() const { return Env::data_->t0() + 90 * kMinuteMs + 1; }
  int64_t maxt() const { return Env::data_->t0() + 250 * kMinuteMs; }
  ReadRequest Request(ReadRequest::ResponseType type) const {
    return server::http::MakeRequest(
        mint(), maxt(),
        {{LabelMatcher::EQ, "__name__", "http_requests_total"}, {LabelMatcher::RE, "code", "5.."}},
        {type});
  }
  SeriesSet Oracle() const {
    PrometheusApi api(Env::oracle_->url());
    absl::StatusOr<SeriesSet> s =
        api.RawSamples("http_requests_total{code=~\"5..\"}", mint(), maxt());
    EXPECT_OK(s.status());
    return s.ok() ? *s : SeriesSet{};
  }
};

TEST_F(RemoteReadEndpoint, SamplesEqualTheOracle) {
  ASSERT_OK_AND_ASSIGN(PostResponse r, Post(Request(ReadRequest::SAMPLES)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  EXPECT_EQ(r.content_encoding, "snappy");
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(r.body.data(), r.body.size(), &raw));
  server::http::prompb::ReadResponse resp;
  ASSERT_TRUE(resp.ParseFromString(raw));
  ASSERT_EQ(resp.results_size(), 1);
  SeriesSet got;
  for (const auto& ts : resp.results(0).timeseries()) {
    auto& samples = got[ToLabels(ts.labels())];
    for (const auto& s : ts.samples()) samples.push_back({s.timestamp(), DoubleBits(s.value())});
  }
  SeriesSet want = Oracle();
  EXPECT_GT(want.size(), 10u);
  EXPECT_EQ(DiffSeriesSets(want, got), "");
}

TEST_F(RemoteReadEndpoint, StreamedChunksEqualTheOracle) {
  ASSERT_OK_AND_ASSIGN(PostResponse r, Post(Request(ReadRequest::STREAMED_XOR_CHUNKS)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type,
            "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
  ASSERT_OK_AND_ASSIGN(std::vector<server::http::ParsedFrame> frames,
                       server::http::ParseFrames(r.body));
  SeriesSet got;
  tsdb::Labels last;
  for (const server::http::ParsedFrame& f : frames) {
    ASSERT_EQ(f.msg.chunked_series_size(), 1);
    tsdb::Labels ls = ToLabels(f.msg.chunked_series(0).labels());
    EXPECT_LE(tsdb::CompareLabels(last, ls), 0) << "series out of order";
    last = ls;
    auto& samples = got[ls];
    for (const auto& c : f.msg.chunked_series(0).chunks()) {
      ASSERT_OK_AND_ASSIGN(std::vector<tsdb::XorSample> decoded, tsdb::DecodeXorChunk(c.data()));
      for (const tsdb::XorSample& s : decoded) {
        if (s.t >= mint() && s.t <= maxt()) samples.push_back({s.t, DoubleBits(s.v)});
      }
    }
  }
  // Overlapping blocks send the shared samples twice; the client merges them, so do we.
  for (auto& [ls, samples] : got) {
    std::stable_sort(samples.begin(), samples.end(),
                     [](const RawSample& a, const RawSample& b) { return a.t < b.t; });
    samples.erase(std::unique(samples.begin(), samples.end(),
                              [](const RawSample& a, const RawSample& b) { return a.t == b.t; }),
                  samples.end());
  }
  EXPECT_EQ(DiffSeriesSets(Oracle(), got), "");
}

TEST_F(RemoteReadEndpoint, BadRequestsGet400WithTheReason) {
  ASSERT_OK_AND_ASSIGN(PostResponse r, HttpPost(Url(), "not snappy at all", {}));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(absl::StartsWith(r.body, "request body is not snappy-compressed")) << r.body;
  ASSERT_OK_AND_ASSIGN(
      r, Post(server::http::MakeRequest(0, 1, {{LabelMatcher::RE, "job", "(unclosed"}}, {})));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("query 0:"), std::string::npos) << r.body;
  ASSERT_OK_AND_ASSIGN(r, Post(server::http::MakeRequest(5, 1, {{LabelMatcher::EQ, "a", "b"}},
                                                         {ReadRequest::STREAMED_XOR_CHUNKS})));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "query 0: start 5 is after end 1\n");
}

}  // namespace
}  // namespace charon::e2e
