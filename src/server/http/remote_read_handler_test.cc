// The remote-read handler over a real BucketStore on promtool-written blocks, checked against the
// fixture samples (what a Prometheus holding them answers).
#include "server/http/remote_read_handler.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "objstore/filesystem_bucket.h"
#include "server/http/remote_read_test_util.h"
#include "snappy.h"
#include "store/bucket_store.h"
#include "store/store_test_util.h"
#include "testing/block_fixtures.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tsdb/xor_chunk.h"

namespace charon::server::http {
namespace {

using ::charon::testing::kFixtureStartMs;
using ::charon::testing::kTwoHoursMs;
using ::charon::testing::SeriesSamples;
using prompb::LabelMatcher;
using prompb::ReadRequest;

constexpr int64_t kStep = 60'000;

tsdb::Labels L(std::initializer_list<std::pair<const char*, const char*>> kv) {
  tsdb::Labels ls;
  for (auto& [k, v] : kv) ls.push_back({k, v});
  std::sort(ls.begin(), ls.end());
  return ls;
}

// Two adjacent 2h blocks of a replica r1 of cluster a; one block of cluster b.
testing::BlockBuilder ClusterA() {
  testing::BlockBuilder b;
  const int n = 2 * static_cast<int>(kTwoHoursMs / kStep);
  for (const char* job : {"api", "db"}) {
    for (const char* inst : {"i-1", "i-2", "i-3"}) {
      b.AddRegularSeries(L({{"__name__", "up"}, {"job", job}, {"instance", inst}}), kFixtureStartMs,
                         kStep, n);
    }
  }
  b.AddRegularSeries(L({{"__name__", "requests_total"}, {"job", "api"}}), kFixtureStartMs, kStep, n,
                     [](int i) { return i * 2.5; });
  b.SetThanosMeta({.external_labels = {{"cluster", "a"}, {"replica", "r1"}}});
  return b;
}

testing::BlockBuilder ClusterB() {
  testing::BlockBuilder b;
  b.AddRegularSeries(L({{"__name__", "up"}, {"job", "api"}, {"instance", "b-1"}}), kFixtureStartMs,
                     kStep, 100, [](int i) { return i % 2; });
  b.SetThanosMeta({.external_labels = {{"cluster", "b"}}});
  return b;
}

class RemoteReadHandlerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir(testing::TempDir::Create().value());
    for (const auto& builder : {ClusterA(), ClusterB()}) {
      auto blocks = builder.WriteBlocks(dir_->path() + "/bucket");
      ASSERT_TRUE(blocks.ok()) << blocks.status();
    }
    data_ = new std::vector<std::pair<SeriesSamples, tsdb::Labels>>{
        {ClusterA().Expected(), L({{"cluster", "a"}, {"replica", "r1"}})},
        {ClusterB().Expected(), L({{"cluster", "b"}})}};
  }
  static void TearDownTestSuite() {
    delete data_;
    delete dir_;
  }

  void SetUp() override {
    auto bucket = objstore::FilesystemBucket::Open(dir_->path() + "/bucket");
    ASSERT_OK(bucket.status());
    std::shared_ptr<objstore::Bucket> b = std::move(bucket).value();
    store::BucketStoreOptions opts;
    opts.load.data_dir = data_dir_.path();
    opts.series_batch_size = 3;
    store_ = std::make_unique<store::BucketStore>(b, store::AllBlocks(b), opts, registry_);
    ASSERT_OK(store_->InitialSync());
  }

  RemoteReadHandler Handler(RemoteReadOptions options = {}) {
    return RemoteReadHandler(std::move(options), [this] { return store_.get(); });
  }

  static HttpRequest Post(const ReadRequest& req) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/api/v1/read";
    r.body = EncodeRequest(req);
    return r;
  }

  // Runs a streamed response into a string.
  static StreamOutcome Drain(HttpResponse& r, std::string* body) {
    return r.stream([body](std::string_view piece) {
      body->append(piece);
      return true;
    });
  }

  static SeriesSamples Want(const std::vector<tsdb::Matcher>& ms, int64_t mint, int64_t maxt) {
    return store::Select(*data_, ms, mint, maxt);
  }

  static std::vector<tsdb::Matcher> UpApi() {
    return store::ParseMatchers(
        {{tsdb::MatchType::kEqual, "__name__", "up"}, {tsdb::MatchType::kEqual, "job", "api"}});
  }

  static tsdb::Labels ToLabels(const google::protobuf::RepeatedPtrField<prompb::Label>& pb) {
    tsdb::Labels ls;
    for (const prompb::Label& l : pb) ls.push_back({l.name(), l.value()});
    return ls;
  }

  static testing::TempDir* dir_;
  static std::vector<std::pair<SeriesSamples, tsdb::Labels>>* data_;
  testing::TempDir data_dir_ = testing::TempDir::Create().value();
  prometheus::Registry registry_;
  std::unique_ptr<store::BucketStore> store_;
};

testing::TempDir* RemoteReadHandlerTest::dir_ = nullptr;
std::vector<std::pair<SeriesSamples, tsdb::Labels>>* RemoteReadHandlerTest::data_ = nullptr;

const std::vector<std::tuple<LabelMatcher::Type, std::string, std::string>> kUpApi = {
    {LabelMatcher::EQ, "__name__", "up"}, {LabelMatcher::EQ, "job", "api"}};

TEST_F(RemoteReadHandlerTest, SamplesAreCutToTheRangeWithExternalLabels) {
  // Across the block boundary, not aligned to chunks.
  const int64_t mint = kFixtureStartMs + 95 * kStep + 1, maxt = kFixtureStartMs + 150 * kStep;
  RemoteReadHandler h = Handler();
  HttpResponse r = h.Handle(Post(MakeRequest(mint, maxt, kUpApi, {ReadRequest::SAMPLES})));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(r.body.data(), r.body.size(), &raw));
  prompb::ReadResponse resp;
  ASSERT_TRUE(resp.ParseFromString(raw));
  ASSERT_EQ(resp.results_size(), 1);
  SeriesSamples have;
  for (const prompb::TimeSeries& ts : resp.results(0).timeseries()) {
    auto& samples = have[ToLabels(ts.labels())];
    for (const prompb::Sample& s : ts.samples()) samples.push_back({s.timestamp(), s.value()});
  }
  SeriesSamples want = Want(UpApi(), mint, maxt);
  EXPECT_EQ(want.size(), 4u);  // three of cluster a, one of b
  EXPECT_EQ(have, want);
}

TEST_F(RemoteReadHandlerTest, StreamedChunksPassThroughSortedWithinFrameLimit) {
  const int64_t mint = kFixtureStartMs, maxt = kFixtureStartMs + 2 * kTwoHoursMs;
  RemoteReadOptions options;
  options.max_bytes_in_frame = 200;  // forces several frames per series
  RemoteReadHandler h = Handler(options);
  ReadRequest req = MakeRequest(mint, maxt, kUpApi, {ReadRequest::STREAMED_XOR_CHUNKS});
  *req.add_queries() =
      MakeRequest(mint, maxt, {{LabelMatcher::EQ, "__name__", "requests_total"}}, {}).queries(0);
  HttpResponse r = h.Handle(Post(req));
  ASSERT_TRUE(r.stream);
  EXPECT_EQ(r.content_type,
            "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
  std::string body;
  StreamOutcome out = Drain(r, &body);
  ASSERT_EQ(out.status, 200) << out.error;
  auto frames = ParseFrames(body);
  ASSERT_OK(frames.status());

  std::vector<SeriesSamples> have(2);
  std::vector<tsdb::Labels> order[2];
  for (const ParsedFrame& f : *frames) {
    ASSERT_EQ(f.msg.chunked_series_size(), 1);
    const int64_t qi = f.msg.query_index();
    ASSERT_TRUE(qi == 0 || qi == 1);
    const prompb::ChunkedSeries& s = f.msg.chunked_series(0);
    tsdb::Labels ls = ToLabels(s.labels());
    if (order[qi].empty() || order[qi].back() != ls) order[qi].push_back(ls);
    for (const prompb::Chunk& c : s.chunks()) {
      EXPECT_EQ(c.type(), prompb::Chunk::XOR);
      auto decoded = tsdb::DecodeXorChunk(c.data());
      ASSERT_OK(decoded.status());
      for (const tsdb::XorSample& x : *decoded) {
        if (x.t >= mint && x.t <= maxt) have[qi][ls].push_back({x.t, x.v});
      }
    }
    if (s.chunks_size() > 1) {
      EXPECT_LE(static_cast<int64_t>(s.ByteSizeLong()), 200);
    }
  }
  for (int qi = 0; qi < 2; ++qi) {
    EXPECT_TRUE(
        std::is_sorted(order[qi].begin(), order[qi].end(),
                       [](const auto& a, const auto& b) { return tsdb::CompareLabels(a, b) < 0; }));
    EXPECT_EQ(order[qi].size(), have[qi].size()) << "a series came back in two runs";
  }
  EXPECT_EQ(have[0], Want(UpApi(), mint, maxt));
  EXPECT_EQ(have[1],
            Want(store::ParseMatchers({{tsdb::MatchType::kEqual, "__name__", "requests_total"}}),
                 mint, maxt));
  EXPECT_GT(frames->size(), have[0].size() + have[1].size());
}

TEST_F(RemoteReadHandlerTest, ReplicaLabelsAreRemoved) {
  RemoteReadOptions options;
  options.without_replica_labels = {"replica"};
  RemoteReadHandler h = Handler(options);
  HttpResponse r =
      h.Handle(Post(MakeRequest(kFixtureStartMs, kFixtureStartMs + kStep,
                                {{LabelMatcher::EQ, "cluster", "a"}}, {ReadRequest::SAMPLES})));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(r.body.data(), r.body.size(), &raw));
  prompb::ReadResponse resp;
  ASSERT_TRUE(resp.ParseFromString(raw));
  ASSERT_EQ(resp.results(0).timeseries_size(), 7);
  for (const prompb::TimeSeries& ts : resp.results(0).timeseries()) {
    tsdb::Labels ls = ToLabels(ts.labels());
    EXPECT_EQ(tsdb::GetLabel(ls, "cluster"), "a");
    EXPECT_EQ(tsdb::GetLabel(ls, "replica"), "");
  }
}

TEST_F(RemoteReadHandlerTest, SampleLimitIsBadRequest) {
  RemoteReadOptions options;
  options.sample_limit = 50;
  RemoteReadHandler h = Handler(options);
  HttpResponse r = h.Handle(Post(
      MakeRequest(kFixtureStartMs, kFixtureStartMs + kTwoHoursMs, kUpApi, {ReadRequest::SAMPLES})));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "exceeded sample limit (50)\n");
  // Streamed answers are not subject to it.
  HttpResponse s = h.Handle(Post(MakeRequest(kFixtureStartMs, kFixtureStartMs + kTwoHoursMs, kUpApi,
                                             {ReadRequest::STREAMED_XOR_CHUNKS})));
  std::string body;
  EXPECT_EQ(Drain(s, &body).status, 200);
  EXPECT_FALSE(body.empty());
}

TEST_F(RemoteReadHandlerTest, BadRequestsAre400WithTheReason) {
  RemoteReadHandler h = Handler();
  HttpRequest not_snappy;
  not_snappy.method = "POST";
  not_snappy.body = "\xff\xff\xff\xff\xff";
  HttpResponse r = h.Handle(not_snappy);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "request body is not snappy-compressed\n");
  r = h.Handle(Post(MakeRequest(0, 1, {{LabelMatcher::RE, "job", "(("}}, {})));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("query 0:"), std::string::npos) << r.body;
  r = h.Handle(Post(MakeRequest(2, 1, kUpApi, {ReadRequest::STREAMED_XOR_CHUNKS})));
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(r.stream);
  HttpRequest get;
  get.method = "GET";
  EXPECT_EQ(h.Handle(get).status, 405);
}

TEST_F(RemoteReadHandlerTest, StoreLimitBeforeTheFirstFrameKeepsItsStatus) {
  store_.reset();
  auto bucket = objstore::FilesystemBucket::Open(dir_->path() + "/bucket");
  ASSERT_OK(bucket.status());
  std::shared_ptr<objstore::Bucket> b = std::move(bucket).value();
  store::BucketStoreOptions opts;
  opts.load.data_dir = data_dir_.path();
  opts.series_limit = 2;
  prometheus::Registry registry;
  store_ = std::make_unique<store::BucketStore>(b, store::AllBlocks(b), opts, registry);
  ASSERT_OK(store_->InitialSync());
  RemoteReadHandler h = Handler();
  HttpResponse r = h.Handle(Post(MakeRequest(kFixtureStartMs, kFixtureStartMs + kTwoHoursMs, kUpApi,
                                             {ReadRequest::STREAMED_XOR_CHUNKS})));
  std::string body;
  StreamOutcome out = Drain(r, &body);
  EXPECT_EQ(out.status, 400);
  EXPECT_NE(out.error.find("exceeded series limit"), std::string::npos) << out.error;
  EXPECT_TRUE(body.empty());
  store_.reset();
}

// The real store with every chunk's encoding set to HISTOGRAM, as blocks of native histograms
// look to the handler (promtool 2.42 cannot write those).
class HistogramEncodingStore : public store::StoreApi {
 public:
  explicit HistogramEncodingStore(store::StoreApi* base) : base_(base) {}
  absl::Status Series(const store::SeriesRequest& req, store::SeriesSink& sink,
                      store::SeriesResult* result) override {
    struct Relabel : store::SeriesSink {
      store::SeriesSink* out;
      absl::Status Send(const store::SeriesOut& s) override {
        store::SeriesOut copy = s;
        for (store::AggrChunk& c : copy.chunks) {
          if (c.raw) c.raw->encoding = 1;
        }
        return out->Send(copy);
      }
    } relabel;
    relabel.out = &sink;
    return base_->Series(req, relabel, result);
  }
  absl::StatusOr<store::LabelsResult> LabelNames(const store::LabelNamesRequest& r) override {
    return base_->LabelNames(r);
  }
  absl::StatusOr<store::LabelsResult> LabelValues(const store::LabelValuesRequest& r) override {
    return base_->LabelValues(r);
  }
  store::StoreInfo Info() override { return base_->Info(); }
  bool Ready() const override { return base_->Ready(); }

 private:
  store::StoreApi* base_;
};

TEST_F(RemoteReadHandlerTest, HistogramChunksPassThroughStreamedAndAreRefusedAsSamples) {
  HistogramEncodingStore histograms(store_.get());
  RemoteReadHandler h({}, [&histograms] { return &histograms; });
  const int64_t maxt = kFixtureStartMs + kTwoHoursMs;
  HttpResponse r = h.Handle(
      Post(MakeRequest(kFixtureStartMs, maxt, kUpApi, {ReadRequest::STREAMED_XOR_CHUNKS})));
  std::string body;
  ASSERT_EQ(Drain(r, &body).status, 200);
  auto frames = ParseFrames(body);
  ASSERT_OK(frames.status());
  ASSERT_FALSE(frames->empty());
  for (const ParsedFrame& f : *frames) {
    for (const prompb::Chunk& c : f.msg.chunked_series(0).chunks()) {
      EXPECT_EQ(c.type(), prompb::Chunk::HISTOGRAM);
    }
  }
  r = h.Handle(Post(MakeRequest(kFixtureStartMs, maxt, kUpApi, {ReadRequest::SAMPLES})));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("native histogram chunks, which are served only as STREAMED_XOR_CHUNKS"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("{__name__=\"up\""), std::string::npos) << r.body;
}

// The real store, with each Series call held until the test lets one more through.
class GatedStore : public HistogramEncodingStore {
 public:
  explicit GatedStore(store::StoreApi* base) : HistogramEncodingStore(nullptr), base_(base) {}
  absl::Status Series(const store::SeriesRequest& req, store::SeriesSink& sink,
                      store::SeriesResult* result) override {
    {
      absl::MutexLock lock(&mu_);
      const int me = entered_++;
      max_inflight_ = std::max(max_inflight_, ++inflight_);
      auto released = [this, me]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return released_ > me; };
      mu_.Await(absl::Condition(&released));
    }
    absl::Status s = base_->Series(req, sink, result);
    absl::MutexLock lock(&mu_);
    --inflight_;
    return s;
  }
  bool Ready() const override { return true; }

  absl::Mutex mu_;
  int entered_ ABSL_GUARDED_BY(mu_) = 0;
  int inflight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_inflight_ ABSL_GUARDED_BY(mu_) = 0;
  int released_ ABSL_GUARDED_BY(mu_) = 0;

 private:
  store::StoreApi* base_;
};

TEST_F(RemoteReadHandlerTest, ConcurrentLimitQueuesRequests) {
  GatedStore gated(store_.get());
  RemoteReadOptions options;
  options.concurrent_limit = 1;
  RemoteReadHandler h(options, [&gated] { return &gated; });
  const HttpRequest req =
      Post(MakeRequest(kFixtureStartMs, kFixtureStartMs + kStep, kUpApi, {ReadRequest::SAMPLES}));
  std::vector<int> statuses(3, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] { statuses[i] = h.Handle(req).status; });
  }
  for (int release = 1; release <= 3; ++release) {
    absl::MutexLock lock(&gated.mu_);
    auto entered = [&gated, release]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(gated.mu_) {
      return gated.entered_ == release;
    };
    // Hang guard only; the others had this long to get past the limit if it did not hold.
    ASSERT_TRUE(gated.mu_.AwaitWithTimeout(absl::Condition(&entered), absl::Seconds(60)));
    gated.mu_.Unlock();
    absl::SleepFor(absl::Milliseconds(20));
    gated.mu_.Lock();
    EXPECT_EQ(gated.entered_, release) << "more requests than the limit reached the store";
    ++gated.released_;
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200}));
  absl::MutexLock lock(&gated.mu_);
  EXPECT_EQ(gated.max_inflight_, 1);
}

TEST(RemoteReadHandler, NoStoreYetIs503) {
  RemoteReadHandler h({}, [] { return nullptr; });
  HttpRequest r;
  r.method = "POST";
  r.body = EncodeRequest(MakeRequest(0, 1, kUpApi, {}));
  EXPECT_EQ(h.Handle(r).status, 503);
}

}  // namespace
}  // namespace charon::server::http
