// `charon store` against a real Prometheus on the same samples (the oracle of STYLE example 11).
//
// Charon serves Thanos-style blocks (external labels in meta.json); Prometheus serves blocks built
// from the same samples with the external labels written into the series (see
// conformance_data.h). Both run once per binary as child processes. Every case asks both the same
// question and compares the answers exactly: series sets by labels, samples by timestamp and by
// value bits, label names and values as sorted lists.
//
// Samples come from Prometheus through an instant query of a range selector, which returns raw
// stored samples; from Charon through Series, with the XOR chunks decoded and trimmed to the range.
// Label calls differ in one way between the two by design: with matchers, Prometheus picks whole
// blocks by start/end while Thanos filters series by chunk time, so label cases with matchers use
// block-aligned ranges.
//
// Charon runs once per object store backend (store_backends.h): the bucket directory itself, the
// same blocks in S3 (s3rver) and Azure Blob (azurite), and with the caching bucket in front
// (in-memory, memcached), and with the index cache on memcached and on redis (those asked each
// Series case twice, the second time from the cache). Every case is asked of every backend and
// must give Prometheus' answer.
//
// CHARON_BINARY names the charon executable (set by CMake); without it the tests fail.
// CHARON_KEEP_TEMP=1 keeps the blocks and both servers' logs.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "e2e/charon_store_server.h"
#include "e2e/conformance_data.h"
#include "e2e/http_get.h"
#include "e2e/prometheus_api.h"
#include "e2e/prometheus_server.h"
#include "e2e/selector.h"
#include "e2e/series_diff.h"
#include "e2e/store_answer.h"
#include "e2e/store_backends.h"
#include "e2e/store_metrics_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::e2e {
namespace {

constexpr int64_t kH = kHourMs;
constexpr int64_t kM = kMinuteMs;
constexpr int64_t kS = 1000;

// Both servers and the data, set up once for the whole binary.
class ConformanceEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* binary = std::getenv("CHARON_BINARY");
    if (binary == nullptr || *binary == '\0' || access(binary, X_OK) != 0) {
      // CMake always names the binary it built: a missing one is a broken build, never a skip.
      FAIL() << "CHARON_BINARY does not name the charon executable (CHARON_BINARY="
             << (binary != nullptr ? binary : "unset") << ")";
    }
    ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("charon-e2e"));
    dir_ = std::make_unique<testing::TempDir>(std::move(dir));
    data_ = std::make_unique<ConformanceData>(DayAlignedStart(3));

    for (const testing::BlockBuilder& b : data_->BucketBuilders()) {
      ASSERT_OK(b.WriteBlocks(dir_->Path("bucket")).status());
    }
    for (const testing::BlockBuilder& b : data_->PrometheusBuilders()) {
      ASSERT_OK(b.WriteBlocks(dir_->Path("prometheus/data")).status());
    }

    PrometheusServerOptions prom;
    prom.data_dir = dir_->Path("prometheus/data");
    prom.work_dir = dir_->Path("prometheus");
    ASSERT_OK_AND_ASSIGN(prometheus_, PrometheusServer::Start(prom));
    api_ = std::make_unique<PrometheusApi>(prometheus_->url());

    binary_ = binary;
    ASSERT_OK_AND_ASSIGN(backends_, StoreBackends::Start(dir_->Path("bucket")));
    for (const StoreBackend& b : backends_->backends()) {
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<CharonStoreServer> server, StartCharon(b));
      stores_.push_back({b.name, std::move(server)});
    }
  }

  // A fresh `charon store` (own data dir) on `backend`.
  absl::StatusOr<std::unique_ptr<CharonStoreServer>> StartCharon(const StoreBackend& backend) {
    CharonStoreServerOptions store;
    store.binary = binary_;
    store.objstore_config = backend.objstore_yaml;
    store.work_dir = dir_->Path(absl::StrCat("charon-", backend.name, "-", ++started_));
    if (!backend.caching_yaml.empty()) {
      store.extra_flags.push_back("--store.caching-bucket.config=" + backend.caching_yaml);
    }
    if (!backend.index_cache_yaml.empty()) {
      store.extra_flags.push_back("--index-cache.config=" + backend.index_cache_yaml);
    }
    absl::Status s = testing::WriteFile(store.work_dir + "/.keep", "");
    if (!s.ok()) return s;
    return CharonStoreServer::Start(store);
  }

  void TearDown() override {
    stores_.clear();
    backends_.reset();
    prometheus_.reset();
    api_.reset();
    dir_.reset();
  }

  const ConformanceData& data() const { return *data_; }
  const PrometheusApi& prometheus() const { return *api_; }
  struct Store {
    std::string backend;
    std::unique_ptr<CharonStoreServer> server;
  };
  // One running charon per backend, in StoreBackends order.
  std::vector<Store>& stores() { return stores_; }
  CharonStoreServer& store(const std::string& backend) {
    for (Store& s : stores_) {
      if (s.backend == backend) return *s.server;
    }
    return *stores_.front().server;
  }
  StoreBackends& backends() { return *backends_; }

 private:
  std::string binary_;
  int started_ = 0;
  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<ConformanceData> data_;
  std::unique_ptr<PrometheusServer> prometheus_;
  std::unique_ptr<PrometheusApi> api_;
  std::unique_ptr<StoreBackends> backends_;
  std::vector<Store> stores_;
};

// gtest owns the environment; tests reach it through this pointer.
ConformanceEnvironment* const env = static_cast<ConformanceEnvironment*>(
    ::testing::AddGlobalTestEnvironment(new ConformanceEnvironment));

Matcher Eq(std::string n, std::string v) { return {std::move(n), MatchOp::kEq, std::move(v)}; }
Matcher Neq(std::string n, std::string v) { return {std::move(n), MatchOp::kNeq, std::move(v)}; }
Matcher Re(std::string n, std::string v) { return {std::move(n), MatchOp::kRe, std::move(v)}; }
Matcher Nre(std::string n, std::string v) { return {std::move(n), MatchOp::kNre, std::move(v)}; }
Matcher Name(std::string v) { return Eq("__name__", std::move(v)); }

// A time range as offsets from t0, both ends inclusive.
struct Range {
  int64_t from;
  int64_t to;
};
constexpr Range kAll{-kH, 7 * kH};
constexpr Range kWindow1{0, 2 * kH - 1};
constexpr Range kWindow2{2 * kH, 4 * kH - 1};
constexpr Range kWindow3{4 * kH, 6 * kH - 1};

struct SeriesCase {
  std::string name;
  std::vector<Matcher> matchers;
  Range range = kAll;
  bool empty = false;  // the expected answer is empty (checked on Prometheus' side)
};

std::vector<SeriesCase> SeriesCases() {
  return {
      // Matcher types on ordinary labels.
      {"eq name", {Name("http_requests_total")}},
      {"eq name and label", {Name("http_requests_total"), Eq("code", "500")}},
      {"neq", {Name("http_requests_total"), Neq("code", "200")}},
      {"regex alternation", {Name("http_requests_total"), Re("method", "GET|POST")}},
      {"negative regex alternation", {Name("http_requests_total"), Nre("method", "GET|POST")}},
      {"regex char class", {Name("http_requests_total"), Re("instance", "10\\.0\\.0\\.[12]:9090")}},
      {"explicit anchors", {Name("http_requests_total"), Re("method", "^G.*$")}},
      {"regex is fully anchored", {Name("http_requests_total"), Re("method", "G")}, kAll, true},
      {"regex partial match needs .*",
       {Name("http_requests_total"), Re("method", "E.*")},
       kAll,
       true},
      {"name regex prefix", {Re("__name__", "http_.*")}},
      {"name regex suffix .+", {Re("__name__", ".+_total")}},
      {"name regex literal is not a prefix", {Re("__name__", "m")}},
      {"name regex alternation", {Re("__name__", "m|mid_only")}},
      {"name regex case-insensitive", {Re("__name__", "(?i)UP")}},
      {"two regexes", {Re("job", "api|node"), Nre("instance", "10.*")}},
      {"regex alternation across shapes",
       {Name("up"), Re("instance", "host-.*|10\\.0\\.0\\.1:9090")}},
      // Label sets that are prefixes of others; empty and non-empty matchers.
      {"prefix family", {Name("m")}},
      {"empty value matches absent label", {Name("m"), Eq("a", "")}},
      {"not empty", {Name("m"), Neq("a", "")}},
      {"regex .* matches absent label", {Name("m"), Re("a", ".*")}},
      {"regex .+ needs the label", {Name("m"), Re("a", ".+")}},
      {"regex alternation with empty", {Name("m"), Re("a", "1|")}},
      {"negative regex .+", {Name("m"), Nre("b", ".+")}},
      {"neq matches absent label", {Name("m"), Neq("a", "1")}},
      {"regex prefix of a value", {Name("m"), Re("a", "1.*")}},
      {"optional label empty", {Name("svc_info"), Eq("env", "")}},
      {"optional label set", {Name("svc_info"), Neq("env", "")}},
      {"optional label alternation with empty", {Name("svc_info"), Re("env", "prod|")}},
      {"label absent everywhere is empty", {Name("up"), Eq("nope", "")}},
      {"label absent everywhere never set", {Name("up"), Neq("nope", "")}, kAll, true},
      // Case-insensitive regexes.
      {"case-insensitive", {Name("case_test"), Re("kind", "(?i)foo")}},
      {"negative case-insensitive prefix", {Name("case_test"), Nre("kind", "(?i)FOO.*")}},
      // Values with regex metacharacters, quotes, backslashes, unicode and control characters.
      {"eq value with metacharacters", {Name("weird"), Eq("path", "a.b*c")}},
      {"escaped regex", {Name("weird"), Re("path", "a\\.b\\*c")}},
      {"eq value with alternation bar", {Name("weird"), Eq("path", "(x|y)")}},
      {"escaped group and bar", {Name("weird"), Re("path", "\\(x\\|y\\)")}},
      {"bracket in a class", {Name("weird"), Re("path", ".*\\[.*")}},
      {"quote", {Name("weird"), Eq("path", "quote\"d")}},
      {"backslash", {Name("weird"), Eq("path", "back\\slash")}},
      {"backslash regex", {Name("weird"), Re("path", ".*\\\\.*")}},
      {"unicode alternation", {Name("weird"), Re("path", "日本.*|ün.*")}},
      {"dot matches one rune", {Name("weird"), Re("path", "emoji .")}},
      // Prometheus 2.x: `.` does not match a newline unless the regex says (?s).
      {"dot does not match newline", {Name("weird"), Re("path", "line.break")}, kAll, true},
      {"(?-s) dot does not match newline",
       {Name("weird"), Re("path", "(?-s)line.break")},
       kAll,
       true},
      {"(?s) dot matches newline", {Name("weird"), Re("path", "(?s)line.break")}},
      {".* stops at a newline", {Name("weird"), Re("path", "line.*")}, kAll, true},
      {"negated .* keeps newline values", {Name("weird"), Nre("path", ".*")}},
      {".+ rejects newline values", {Name("weird"), Re("path", ".+")}},
      {"eq newline and tab", {Name("weird"), Re("path", "line\nbreak|tab\there")}},
      {"literal caret and dollar", {Name("weird"), Re("path", "\\^start\\$")}},
      {"weird without path", {Name("weird"), Eq("path", "")}},
      {"negative class", {Name("weird"), Nre("path", "[a-z].*")}},
      // External labels: alone, with others, negated, regex, absent.
      {"external label alone", {Eq("cluster", "eu")}},
      {"external label and name", {Eq("cluster", "us"), Name("up")}},
      {"external label neq", {Name("up"), Neq("cluster", "eu")}},
      {"external label regex", {Name("up"), Re("cluster", "e.*")}},
      {"external label no match", {Name("up"), Eq("cluster", "asia")}, kAll, true},
      {"replica label", {Name("up"), Eq("replica", "a")}},
      {"replica label empty", {Name("up"), Eq("replica", "")}},
      {"replica label not empty", {Name("up"), Neq("replica", "")}},
      {"external regex alternation and labels",
       {Re("cluster", "eu|us"), Eq("job", "node"), Eq("mode", "idle")}},
      {"external negative regex alone with name", {Nre("cluster", "u.*"), Name("special_values")}},
      // Histogram family.
      {"le eq", {Name("request_duration_seconds_bucket"), Eq("le", "0.5")}},
      {"le regex", {Name("request_duration_seconds_bucket"), Re("le", "0\\..*")}},
      {"le +Inf", {Name("request_duration_seconds_bucket"), Eq("le", "+Inf")}},
      {"histogram sum and count", {Re("__name__", "request_duration_seconds_(sum|count)")}},
      {"special float values", {Name("special_values")}},
      // Time ranges.
      {"range cuts blocks",
       {Name("http_requests_total"), Eq("code", "200")},
       {kH + 7 * kS, 5 * kH - 3 * kS}},
      {"range inside one chunk",
       {Name("node_cpu_seconds_total"), Eq("cpu", "0")},
       {30 * kM + 15 * kS, 40 * kM}},
      {"single millisecond on a sample", {Name("sparse")}, {2 * kH, 2 * kH}},
      {"last millisecond of a block", {Name("sparse")}, {2 * kH - 1, 2 * kH - 1}},
      {"across a block edge", {Name("sparse")}, {2 * kH - 1, 2 * kH + 1}},
      {"between samples", {Name("sparse")}, {2 * kH + 2, 2 * kH + 9 * kM}, true},
      {"edge of the overlap", {Name("sparse")}, {4 * kH - 1, 4 * kH + 1}},
      {"overlapping blocks",
       {Eq("cluster", "us"), Name("node_cpu_seconds_total")},
       {3 * kH - 30 * kS, 4 * kH + 30 * kS}},
      {"overlap, gauges", {Name("m")}, {3 * kH - kM, 4 * kH + kM}},
      {"first block only", {Name("up")}, kWindow1},
      {"middle block only series", {Name("mid_only")}},
      {"middle block only series outside", {Name("mid_only")}, kWindow1, true},
      {"before the data", {Name("up")}, {-2 * kH, -1}, true},
      {"after the data", {Name("up")}, {6 * kH, 8 * kH}, true},
      {"everything", {Re("__name__", ".+")}},
  };
}

// Regexes are asked of both servers unchanged: Charon follows Prometheus 2.x, where `.` does not
// match a newline.
std::string OracleSelector(const std::vector<Matcher>& matchers) {
  return PromQLSelector(matchers);
}

std::string Describe(const std::vector<Matcher>& m, Range r) {
  return absl::StrCat(PromQLSelector(m), " [t0", r.from >= 0 ? "+" : "", r.from, "ms, t0",
                      r.to >= 0 ? "+" : "", r.to, "ms]");
}

TEST(PrometheusConformance, OracleServesTheWholeDataSet) {
  const ConformanceData& data = env->data();
  ASSERT_OK_AND_ASSIGN(SeriesSet got, env->prometheus().RawSamples("{__name__=~\".+\"}",
                                                                   data.t0() - kH, data.end()));
  SeriesSet want;
  for (const auto& [labels, samples] : data.Expected()) {
    for (const testing::Sample& s : samples) want[labels].push_back({s.t, DoubleBits(s.v)});
  }
  EXPECT_EQ(DiffSeriesSets(want, got), "");
  EXPECT_GT(want.size(), 200u);
}

// Charon's answer to `req`, decoded and trimmed to the request's range; failures are test failures.
StoreAnswer AskSeries(CharonStoreServer& server, const thanos::SeriesRequest& req) {
  absl::StatusOr<server::grpc::SeriesCallResult> res = server.client().Series(req);
  EXPECT_OK(res.status());
  if (!res.ok()) return {};
  EXPECT_THAT(res->warnings, ::testing::IsEmpty());
  StoreAnswer got = DecodeSeriesAnswer(res->series, req.min_time(), req.max_time());
  EXPECT_EQ(absl::StrJoin(got.problems, "\n"), "");
  return got;
}

TEST(PrometheusConformance, Series) {
  const int64_t t0 = env->data().t0();
  const std::vector<SeriesCase> cases = SeriesCases();
  ASSERT_GE(cases.size(), 40u);
  for (const SeriesCase& c : cases) {
    const std::string what = absl::StrCat(c.name, ": ", Describe(c.matchers, c.range));
    SCOPED_TRACE(what);
    const int64_t mint = t0 + c.range.from;
    const int64_t maxt = t0 + c.range.to;
    ASSERT_OK_AND_ASSIGN(SeriesSet want,
                         env->prometheus().RawSamples(OracleSelector(c.matchers), mint, maxt));
    EXPECT_EQ(want.empty(), c.empty) << "the case does not select what it means to";

    thanos::SeriesRequest req;
    req.set_min_time(mint);
    req.set_max_time(maxt);
    for (const Matcher& m : c.matchers) *req.add_matchers() = ToProto(m);
    int64_t without_samples = -1;
    for (auto& store : env->stores()) {
      SCOPED_TRACE("backend " + store.backend);
      StoreAnswer got = AskSeries(*store.server, req);
      EXPECT_EQ(DiffSeriesSets(want, got.series), "")
          << "want " << want.size() << " series / " << CountSamples(want) << " samples, got "
          << got.series.size() << " / " << CountSamples(got.series);
      if (without_samples >= 0) {
        EXPECT_EQ(got.series_without_samples, without_samples) << "backends disagree";
      }
      without_samples = got.series_without_samples;
      if (!env->backends().Get(store.backend).index_cache_yaml.empty()) {
        SCOPED_TRACE("asked again, from the index cache");
        EXPECT_EQ(DiffSeriesSets(want, AskSeries(*store.server, req).series), "");
      }
    }
    std::cout << "[ case ] " << what << ": " << want.size() << " series, " << CountSamples(want)
              << " samples"
              << (without_samples > 0
                      ? absl::StrCat(" (+", without_samples, " series with no sample in range)")
                      : "")
              << ", " << env->stores().size() << " backends\n";
  }
}

// The remote index caches are really used: a repeated query is answered from them (hits on
// /metrics) with Prometheus' answer.
TEST(PrometheusConformance, RemoteIndexCachesAreHit) {
  const int64_t t0 = env->data().t0();
  thanos::SeriesRequest req;
  req.set_min_time(t0 - kH);
  req.set_max_time(env->data().end());
  *req.add_matchers() = ToProto(Name("node_cpu_seconds_total"));
  *req.add_matchers() = ToProto(Re("mode", "user|sys.*"));
  ASSERT_OK_AND_ASSIGN(SeriesSet want,
                       env->prometheus().RawSamples(OracleSelector({Name("node_cpu_seconds_total"),
                                                                    Re("mode", "user|sys.*")}),
                                                    req.min_time(), req.max_time()));
  ASSERT_FALSE(want.empty());
  for (const char* backend : {"filesystem+memcached-index", "filesystem+redis-index"}) {
    SCOPED_TRACE(backend);
    CharonStoreServer& store = env->store(backend);
    EXPECT_EQ(DiffSeriesSets(want, AskSeries(store, req).series), "");
    const double hits = MetricSum(store.http_port(), "thanos_store_index_cache_hits_total");
    EXPECT_EQ(DiffSeriesSets(want, AskSeries(store, req).series), "");
    // Entries are written in the background: a hit may need a few tries.
    double now = hits;
    for (int i = 0; i < 50 && now <= hits; ++i) {
      absl::SleepFor(absl::Milliseconds(100));
      EXPECT_EQ(DiffSeriesSets(want, AskSeries(store, req).series), "");
      now = MetricSum(store.http_port(), "thanos_store_index_cache_hits_total");
    }
    EXPECT_GT(now, hits);
  }
}

std::set<std::string> LabelSetStrings(
    const google::protobuf::RepeatedPtrField<thanos::ZLabelSet>& sets) {
  std::set<std::string> out;
  for (const thanos::ZLabelSet& s : sets) out.insert(tsdb::LabelsToString(LabelsOf(s.labels())));
  return out;
}

TEST(PrometheusConformance, InfoAdvertisesBothExternalLabelSets) {
  std::set<std::string> want_tsdb;
  int64_t min_time = INT64_MAX;
  int64_t max_time = INT64_MIN;
  for (const BlockGroup& g : env->data().groups()) {
    tsdb::Labels ls;
    for (const auto& [n, v] : g.external_labels) ls.push_back({n, v});
    want_tsdb.insert(tsdb::LabelsToString(ls));
  }
  ASSERT_EQ(want_tsdb.size(), 2u);
  // As Thanos (--debug.advertise-compatibility-label, on by default), both Info calls add a set
  // that tells pre-v0.8 queriers this is a store; the per-TSDB infos do not.
  std::set<std::string> want = want_tsdb;
  want.insert(tsdb::LabelsToString({{"@thanos_compatibility_store_type", "store"}}));
  for (const auto& [labels, samples] : env->data().Expected()) {
    min_time = std::min(min_time, samples.front().t);
    max_time = std::max(max_time, samples.back().t + 1);
  }

  for (auto& store : env->stores()) {
    SCOPED_TRACE("backend " + store.backend);
    ASSERT_OK_AND_ASSIGN(thanos::InfoResponse legacy, store.server->client().LegacyInfo());
    EXPECT_THAT(LabelSetStrings(legacy.label_sets()), ::testing::ContainerEq(want));
    EXPECT_EQ(legacy.storetype(), thanos::STORE);
    EXPECT_EQ(legacy.min_time(), min_time);
    EXPECT_EQ(legacy.max_time(), max_time);

    ASSERT_OK_AND_ASSIGN(thanos::info::InfoResponse info, store.server->client().Info());
    EXPECT_THAT(LabelSetStrings(info.label_sets()), ::testing::ContainerEq(want));
    EXPECT_EQ(info.componenttype(), "store");
    ASSERT_TRUE(info.has_store());
    EXPECT_EQ(info.store().min_time(), min_time);
    EXPECT_EQ(info.store().max_time(), max_time);
    std::set<std::string> tsdb_sets;
    for (const thanos::info::TSDBInfo& t : info.store().tsdb_infos()) {
      tsdb_sets.insert(tsdb::LabelsToString(LabelsOf(t.labels().labels())));
    }
    EXPECT_THAT(tsdb_sets, ::testing::ContainerEq(want_tsdb));
  }
}

struct LabelCase {
  std::string name;
  std::string label;  // LabelValues of this label; "" for LabelNames
  std::vector<Matcher> matchers;
  Range range = kAll;
  bool empty = false;
};

std::vector<LabelCase> LabelCases() {
  const Range sub_block{2 * kH + 10 * kM, 2 * kH + 20 * kM};
  return {
      {"names", "", {}},
      {"names, first window", "", {}, kWindow1},
      {"names, middle window", "", {}, kWindow2},
      {"names, last window", "", {}, kWindow3},
      {"names, part of a block selects the whole block", "", {}, sub_block},
      {"names, before the data", "", {}, {-2 * kH, -1}, true},
      {"names of a prefix family", "", {Name("m")}},
      {"names of an external label", "", {Eq("cluster", "us")}},
      {"names, series absent from the window", "", {Name("mid_only")}, kWindow1, true},
      {"names, series in the window", "", {Eq("job", "batch")}, kWindow2},
      {"names, last window", "", {Name("weird")}, kWindow3},
      {"names, external label and regex", "", {Eq("cluster", "eu"), Re("__name__", "request_.*")}},
      {"names, empty matcher", "", {Name("svc_info"), Eq("env", "")}},
      {"metric names", "__name__", {}},
      {"metric names, middle window", "__name__", {}, kWindow2},
      {"metric names, last window", "__name__", {}, kWindow3},
      {"metric names, part of a block", "__name__", {}, sub_block},
      {"external label values", "cluster", {}},
      {"external label values, last window", "cluster", {}, kWindow3},
      {"replica values", "replica", {}},
      {"weird values", "path", {}},
      {"le values", "le", {}},
      {"label absent everywhere", "nope", {}, kAll, true},
      {"values with matcher", "instance", {Eq("job", "node")}},
      {"values with external matcher",
       "mode",
       {Eq("cluster", "us"), Name("node_cpu_seconds_total")},
       kWindow1},
      {"values, nothing in the window", "le", {Eq("cluster", "us")}, kWindow3, true},
      {"external values of matching series", "cluster", {Name("mid_only")}, kWindow2},
      {"external values, no series in the window", "cluster", {Name("mid_only")}, kWindow3, true},
      {"replica of the group without one", "replica", {Eq("cluster", "us")}, kAll, true},
      {"values, case-insensitive matcher", "kind", {Re("kind", "(?i)foo")}},
      {"values, escaped bar", "path", {Name("weird"), Re("path", ".*[|].*")}},
      {"values, optional label", "env", {Name("svc_info")}},
      {"values, negative matcher only", "instance", {Nre("job", "node|")}},
      {"values of the matched label itself", "job", {Re("job", "n.*|b.*")}},
      {"values of the middle-only label, part of a block", "batch_id", {}, sub_block},
  };
}

TEST(PrometheusConformance, LabelNamesAndValues) {
  const int64_t t0 = env->data().t0();
  for (const LabelCase& c : LabelCases()) {
    const std::string what = absl::StrCat(c.name, ": ", c.label.empty() ? "names" : c.label, " ",
                                          Describe(c.matchers, c.range));
    SCOPED_TRACE(what);
    const int64_t start = t0 + c.range.from;
    const int64_t end = t0 + c.range.to;
    std::vector<std::string> match;
    if (!c.matchers.empty()) match.push_back(OracleSelector(c.matchers));
    std::vector<std::string> want;
    if (c.label.empty()) {
      ASSERT_OK_AND_ASSIGN(want, env->prometheus().LabelNames(match, start, end));
    } else {
      ASSERT_OK_AND_ASSIGN(want, env->prometheus().LabelValues(c.label, match, start, end));
    }
    EXPECT_EQ(want.empty(), c.empty) << "the case does not select what it means to";
    for (auto& store : env->stores()) {
      SCOPED_TRACE("backend " + store.backend);
      std::vector<std::string> got;
      if (c.label.empty()) {
        thanos::LabelNamesRequest req;
        req.set_start(start);
        req.set_end(end);
        for (const Matcher& m : c.matchers) *req.add_matchers() = ToProto(m);
        ASSERT_OK_AND_ASSIGN(thanos::LabelNamesResponse resp,
                             store.server->client().LabelNames(req));
        got.assign(resp.names().begin(), resp.names().end());
        EXPECT_THAT(resp.warnings(), ::testing::IsEmpty());
      } else {
        thanos::LabelValuesRequest req;
        req.set_label(c.label);
        req.set_start(start);
        req.set_end(end);
        for (const Matcher& m : c.matchers) *req.add_matchers() = ToProto(m);
        ASSERT_OK_AND_ASSIGN(thanos::LabelValuesResponse resp,
                             store.server->client().LabelValues(req));
        got.assign(resp.values().begin(), resp.values().end());
        EXPECT_THAT(resp.warnings(), ::testing::IsEmpty());
      }
      EXPECT_TRUE(std::is_sorted(got.begin(), got.end()) &&
                  std::adjacent_find(got.begin(), got.end()) == got.end())
          << "Charon's list is not strictly sorted: " << absl::StrJoin(got, ", ");
      EXPECT_EQ(DiffStringLists(want, got), "");
    }
    std::cout << "[ case ] " << what << ": " << want.size() << " strings\n";
  }
}

// A cache that goes away is a miss, never a failed query: memcached killed, then hung (SIGSTOP),
// under a store whose caching bucket uses it; every answer still equals Prometheus'.
TEST(PrometheusConformance, MemcachedDownOrHungFailsNoQuery) {
  const int64_t t0 = env->data().t0();
  std::vector<SeriesCase> cases = SeriesCases();
  cases.resize(std::min<size_t>(cases.size(), 12));
  CharonStoreServer& store = env->store("s3+memcached");
  testing::MemcachedServer& memcached = env->backends().memcached();
  auto check_all = [&](const std::string& phase) {
    for (const SeriesCase& c : cases) {
      SCOPED_TRACE(phase + ": " + c.name);
      const int64_t mint = t0 + c.range.from;
      const int64_t maxt = t0 + c.range.to;
      ASSERT_OK_AND_ASSIGN(SeriesSet want,
                           env->prometheus().RawSamples(OracleSelector(c.matchers), mint, maxt));
      thanos::SeriesRequest req;
      req.set_min_time(mint);
      req.set_max_time(maxt);
      for (const Matcher& m : c.matchers) *req.add_matchers() = ToProto(m);
      EXPECT_EQ(DiffSeriesSets(want, AskSeries(store, req).series), "");
    }
  };
  check_all("memcached up");
  memcached.Stop();
  check_all("memcached stopped");
  ASSERT_OK(memcached.Restart());
  check_all("memcached restarted empty");
  ASSERT_OK(memcached.Pause());
  cases.resize(3);  // every cache call now waits for its timeout
  check_all("memcached hung");
  ASSERT_OK(memcached.Resume());
}

// Sum of thanos_objstore_bucket_operations_total per operation, from a store's /metrics.
std::map<std::string, double> BucketOps(CharonStoreServer& server) {
  std::map<std::string, double> ops;
  absl::StatusOr<HttpResponse> r =
      HttpGet(absl::StrCat("http://127.0.0.1:", server.http_port(), "/metrics"));
  EXPECT_OK(r.status());
  if (!r.ok()) return ops;
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (!absl::StartsWith(line, "thanos_objstore_bucket_operations_total{")) continue;
    size_t op = line.find("operation=\"");
    size_t space = line.rfind(' ');
    if (op == std::string::npos || space == std::string::npos) continue;
    op += 11;
    std::string name = line.substr(op, line.find('"', op) - op);
    ops[name] += std::stod(line.substr(space + 1));
  }
  return ops;
}

// Object-store requests per query without and with the caching bucket, first (cold) and second
// (warm) time: printed for the record; warm, the cached stores must make fewer range reads.
TEST(PrometheusConformance, CachingBucketSavesChunkRequests) {
  const int64_t t0 = env->data().t0();
  ASSERT_OK(env->backends().memcached().FlushAll());
  std::vector<std::pair<std::string, std::unique_ptr<CharonStoreServer>>> fresh;
  for (const char* name : {"filesystem", "filesystem+inmemory", "s3", "s3+memcached"}) {
    ASSERT_OK_AND_ASSIGN(auto server, env->StartCharon(env->backends().Get(name)));
    fresh.emplace_back(name, std::move(server));
  }
  const std::vector<std::pair<std::string, std::vector<Matcher>>> queries = {
      {"one metric", {Name("http_requests_total")}},
      {"all series", {Re("__name__", ".+")}},
      {"regex on a label", {Name("node_cpu_seconds_total"), Re("mode", "user|sys.*")}},
  };
  std::cout << "| query | backend | run | get_range | get | exists | attributes | iter |\n"
               "|---|---|---|---|---|---|---|---|\n";
  for (const auto& [qname, matchers] : queries) {
    thanos::SeriesRequest req;
    req.set_min_time(t0 - kH);
    req.set_max_time(env->data().end());
    for (const Matcher& m : matchers) *req.add_matchers() = ToProto(m);
    std::map<std::string, double> warm_get_range;
    for (auto& [backend, server] : fresh) {
      for (const char* run : {"cold", "warm"}) {
        std::map<std::string, double> before = BucketOps(*server);
        ASSERT_OK(server->client().Series(req).status());
        std::map<std::string, double> after = BucketOps(*server);
        auto delta = [&](const std::string& op) { return after[op] - before[op]; };
        std::cout << "| " << qname << " | " << backend << " | " << run << " | "
                  << delta("get_range") << " | " << delta("get") << " | " << delta("exists")
                  << " | " << delta("attributes") << " | " << delta("iter") << " |\n";
        warm_get_range[backend] = delta("get_range");
      }
    }
    // Warm, only index reads (postings, series: the index cache's job) still reach the bucket.
    EXPECT_LT(warm_get_range["filesystem+inmemory"], warm_get_range["filesystem"]) << qname;
    EXPECT_LT(warm_get_range["s3+memcached"], warm_get_range["s3"]) << qname;
  }
}

}  // namespace
}  // namespace charon::e2e
