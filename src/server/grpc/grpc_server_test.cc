// The gRPC adapter end to end: a real GrpcServer on a free loopback port over a scripted StoreApi,
// driven through StoreClient.
#include "server/grpc/grpc_server.h"

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cache/matchers_cache.h"
#include "server/grpc/conversions.h"
#include "server/grpc/scripted_store.h"
#include "server/grpc/store_client.h"
#include "server/grpc/store_service.h"
#include "testing/status_matchers.h"
#include "tsdb/labels.h"
#include "tsdb/xor_chunk.h"

namespace charon::server::grpc {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Kind = thanos::SeriesResponse::ResultCase;

thanos::LabelMatcher Matcher(thanos::LabelMatcher::Type type, std::string name, std::string value) {
  thanos::LabelMatcher m;
  m.set_type(type);
  m.set_name(std::move(name));
  m.set_value(std::move(value));
  return m;
}

thanos::SeriesRequest UpRequest() {
  thanos::SeriesRequest req;
  req.set_min_time(0);
  req.set_max_time(1000);
  *req.add_matchers() = Matcher(thanos::LabelMatcher::EQ, "__name__", "up");
  return req;
}

class GrpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.AddSeries({{"__name__", "up"}, {"job", "a"}}, {{0, 100}, {101, 200}});
    store_.AddSeries({{"__name__", "up"}, {"job", "b"}}, {{0, 100}});
    store_.AddSeries({{"__name__", "up"}, {"job", "c"}});
    store_.AddSeries({{"__name__", "up"}, {"job", "d"}});
    store_.AddSeries({{"__name__", "up"}, {"job", "e"}});
  }

  void Start(GrpcServerOptions options = {}) {
    options.address = "127.0.0.1:0";
    options.registry = &registry_;
    options.health_poll_interval = absl::Milliseconds(10);
    server_ = std::make_unique<GrpcServer>(store_, options);
    ASSERT_OK(server_->Start());
    ASSERT_GT(server_->port(), 0);
    client_ = Client("");
  }

  std::unique_ptr<StoreClient> Client(const std::string& tenant) {
    StoreClientOptions o;
    o.address = absl::StrCat("127.0.0.1:", server_->port());
    o.timeout = absl::Seconds(20);
    o.tenant = tenant;
    auto c = StoreClient::Connect(o);
    EXPECT_OK(c);
    return c.ok() ? *std::move(c) : nullptr;
  }

  // The value of a counter, or the sample count of a histogram, with exactly these labels; -1
  // when there is no such series.
  double Metric(const std::string& name, std::map<std::string, std::string> labels) {
    for (const prometheus::MetricFamily& f : registry_.Collect()) {
      if (f.name != name) continue;
      for (const prometheus::ClientMetric& m : f.metric) {
        std::map<std::string, std::string> got;
        for (const auto& l : m.label) got[l.name] = l.value;
        if (got != labels) continue;
        return f.type == prometheus::MetricType::Histogram
                   ? static_cast<double>(m.histogram.sample_count)
                   : m.counter.value;
      }
    }
    return -1;
  }

  ScriptedStore store_;
  prometheus::Registry registry_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<StoreClient> client_;
};

std::vector<std::string> Jobs(const SeriesCallResult& r) {
  std::vector<std::string> out;
  for (const thanos::Series& s : r.series) {
    for (const thanos::Label& l : s.labels()) {
      if (l.name() == "job") out.push_back(l.value());
    }
  }
  return out;
}

TEST_F(GrpcServerTest, SeriesFramesOnlyBatchWhenBatchSizeAboveOne) {
  Start();
  struct Case {
    int64_t batch_size;
    int series_frames, batch_frames;
  };
  for (const Case& c : {Case{0, 5, 0}, Case{1, 5, 0}, Case{-3, 5, 0}, Case{2, 0, 3}, Case{5, 0, 1},
                        Case{64, 0, 1}}) {
    SCOPED_TRACE(c.batch_size);
    thanos::SeriesRequest req = UpRequest();
    req.set_response_batch_size(c.batch_size);
    ASSERT_OK_AND_ASSIGN(SeriesCallResult r, client_->Series(req));
    EXPECT_EQ(r.series_frames, c.series_frames);
    EXPECT_EQ(r.batch_frames, c.batch_frames);
    EXPECT_EQ(r.hints_frames, 0);
    EXPECT_THAT(Jobs(r), ElementsAre("a", "b", "c", "d", "e"));
  }
}

TEST_F(GrpcServerTest, SeriesCarriesChunksAndLabels) {
  Start();
  ASSERT_OK_AND_ASSIGN(SeriesCallResult r, client_->Series(UpRequest()));
  ASSERT_EQ(r.series.size(), 5u);
  const thanos::Series& a = r.series[0];
  ASSERT_EQ(a.labels_size(), 2);
  EXPECT_EQ(a.labels(0).name(), "__name__");
  EXPECT_EQ(a.labels(0).value(), "up");
  ASSERT_EQ(a.chunks_size(), 2);
  EXPECT_EQ(a.chunks(1).min_time(), 101);
  EXPECT_EQ(a.chunks(1).max_time(), 200);
  EXPECT_TRUE(a.chunks(1).has_raw());
  EXPECT_FALSE(a.chunks(1).has_count());
  EXPECT_EQ(a.chunks(1).raw().hash(), 42u);
  ASSERT_OK_AND_ASSIGN(std::vector<tsdb::XorSample> samples,
                       tsdb::DecodeXorChunk(a.chunks(1).raw().data()));
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[1].t, 200);
  EXPECT_EQ(samples[1].v, 2.5);
}

TEST_F(GrpcServerTest, HintsFrameOnlyWhenRequestHasHints) {
  store_.result_.queried_blocks = {"01HAAAAAAAAAAAAAAAAAAAAAAA", "01HBBBBBBBBBBBBBBBBBBBBBBB"};
  store_.result_.stats.blocks_queried = 2;
  store_.result_.stats.merge_duration_seconds = 1.25;
  Start();

  ASSERT_OK_AND_ASSIGN(SeriesCallResult plain, client_->Series(UpRequest()));
  EXPECT_EQ(plain.hints_frames, 0);
  EXPECT_FALSE(plain.hints.has_value());

  for (bool stats : {false, true}) {
    SCOPED_TRACE(stats);
    thanos::SeriesRequest req = UpRequest();
    req.set_response_batch_size(2);
    hintspb::SeriesRequestHints hints;
    hints.set_enable_query_stats(stats);
    *hints.add_block_matchers() = Matcher(thanos::LabelMatcher::EQ, "__block_id", "x");
    req.mutable_hints()->PackFrom(hints);
    ASSERT_OK_AND_ASSIGN(SeriesCallResult r, client_->Series(req));
    // Batches first (the last one partial), the hints frame last.
    EXPECT_THAT(r.frames, ElementsAre(Kind::kBatch, Kind::kBatch, Kind::kBatch, Kind::kHints));
    ASSERT_TRUE(r.hints.has_value());
    ASSERT_EQ(r.hints->queried_blocks_size(), 2);
    EXPECT_EQ(r.hints->queried_blocks(1).id(), "01HBBBBBBBBBBBBBBBBBBBBBBB");
    EXPECT_EQ(r.hints->has_query_stats(), stats);
    if (stats) {
      EXPECT_EQ(r.hints->query_stats().blocks_queried(), 2);
      EXPECT_EQ(r.hints->query_stats().merge_duration().seconds(), 1);
      EXPECT_EQ(r.hints->query_stats().merge_duration().nanos(), 250000000);
    }
    std::optional<store::SeriesRequest> seen = store_.last_series();
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->enable_query_stats, stats);
    ASSERT_EQ(seen->block_matchers.size(), 1u);
    EXPECT_EQ(seen->block_matchers[0].name(), "__block_id");
  }
}

TEST_F(GrpcServerTest, SeriesRequestFieldsReachTheEngine) {
  Start();
  thanos::SeriesRequest req = UpRequest();
  req.set_min_time(-5);
  req.set_max_time(77);
  *req.add_matchers() = Matcher(thanos::LabelMatcher::NRE, "job", "b|c");
  req.set_max_resolution_window(-300000);
  req.add_aggregates(thanos::COUNT);
  req.add_aggregates(thanos::COUNTER);
  req.set_skip_chunks(true);
  req.add_without_replica_labels("replica");
  req.set_limit(-1);
  req.mutable_shard_info()->set_shard_index(1);
  req.mutable_shard_info()->set_total_shards(3);
  req.mutable_shard_info()->set_by(true);
  req.mutable_shard_info()->add_labels("job");
  req.set_partial_response_strategy(thanos::ABORT);
  ASSERT_OK(client_->Series(req));

  std::optional<store::SeriesRequest> seen = store_.last_series();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->min_time, -5);
  EXPECT_EQ(seen->max_time, 77);
  ASSERT_EQ(seen->matchers.size(), 2u);
  EXPECT_EQ(seen->matchers[1].type(), tsdb::MatchType::kRegexNoMatch);
  EXPECT_TRUE(seen->matchers[1].Matches("a"));
  EXPECT_FALSE(seen->matchers[1].Matches("b"));
  EXPECT_EQ(seen->max_resolution_window, 0);
  EXPECT_THAT(seen->aggregates, ElementsAre(store::Aggr::kCount, store::Aggr::kCounter));
  EXPECT_TRUE(seen->skip_chunks);
  EXPECT_THAT(seen->without_replica_labels, ElementsAre("replica"));
  EXPECT_EQ(seen->limit, 0);
  ASSERT_TRUE(seen->shard_info.has_value());
  EXPECT_EQ(seen->shard_info->shard_index, 1);
  EXPECT_EQ(seen->shard_info->total_shards, 3);
  EXPECT_TRUE(seen->shard_info->by);
  EXPECT_THAT(seen->shard_info->labels, ElementsAre("job"));
  EXPECT_EQ(seen->tenant, "default-tenant");

  // No sharding without shards; the tenant from metadata.
  req.mutable_shard_info()->set_total_shards(0);
  ASSERT_OK(Client("team-a")->Series(req));
  seen = store_.last_series();
  EXPECT_FALSE(seen->shard_info.has_value());
  EXPECT_EQ(seen->tenant, "team-a");
}

// --matcher-cache-size: the second identical regex request takes the compiled matcher from the
// cache (thanos_matchers_cache_hits_total), and the engine sees a matcher that selects the same.
TEST_F(GrpcServerTest, RegexMatchersComeFromTheMatchersCache) {
  cache::MatchersCache matchers_cache(10, registry_);
  GrpcServerOptions options;
  options.matchers_cache = &matchers_cache;
  Start(options);
  thanos::SeriesRequest req = UpRequest();
  *req.add_matchers() = Matcher(thanos::LabelMatcher::RE, "job", "a|c.*");
  *req.add_matchers() = Matcher(thanos::LabelMatcher::NRE, "job", "b");
  std::vector<std::vector<bool>> selected;
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(client_->Series(req));
    std::optional<store::SeriesRequest> seen = store_.last_series();
    ASSERT_TRUE(seen.has_value());
    ASSERT_EQ(seen->matchers.size(), 3u);
    std::vector<bool> s;
    for (const char* job : {"a", "b", "c", "cc", "d"}) {
      s.push_back(seen->matchers[1].Matches(job) && seen->matchers[2].Matches(job));
    }
    selected.push_back(s);
  }
  EXPECT_EQ(selected[0], selected[1]);
  EXPECT_THAT(selected[0], ElementsAre(true, false, true, true, false));
  // Two regex matchers per request; = matchers are not cached.
  EXPECT_EQ(Metric("thanos_matchers_cache_requests_total", {}), 4);
  EXPECT_EQ(Metric("thanos_matchers_cache_hits_total", {}), 2);
  EXPECT_EQ(matchers_cache.ItemCount(), 2);

  // Label calls and hint matchers go through it too; a bad regex is still InvalidArgument.
  thanos::LabelNamesRequest names;
  *names.add_matchers() = Matcher(thanos::LabelMatcher::RE, "job", "a|c.*");
  ASSERT_OK(client_->LabelNames(names));
  EXPECT_EQ(Metric("thanos_matchers_cache_hits_total", {}), 3);
  *req.add_matchers() = Matcher(thanos::LabelMatcher::RE, "job", "(");
  EXPECT_THAT(client_->Series(req), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(matchers_cache.ItemCount(), 2);
}

TEST_F(GrpcServerTest, BadRequestsAreInvalidArgument) {
  Start();
  struct Case {
    std::string name;
    std::function<void(thanos::SeriesRequest*)> mutate;
    std::string message;
  };
  std::vector<Case> cases = {
      {"bad regex",
       [](thanos::SeriesRequest* r) {
         *r->add_matchers() = Matcher(thanos::LabelMatcher::RE, "job", "(unclosed");
       },
       "job"},
      {"unknown matcher type",
       [](thanos::SeriesRequest* r) {
         *r->add_matchers() = Matcher(static_cast<thanos::LabelMatcher::Type>(9), "job", "a");
       },
       "matcher type 9"},
      {"min after max",
       [](thanos::SeriesRequest* r) {
         r->set_min_time(10);
         r->set_max_time(9);
       },
       "min_time 10"},
      {"unknown aggregate",
       [](thanos::SeriesRequest* r) { r->add_aggregates(static_cast<thanos::Aggr>(42)); },
       "aggregate type 42"},
      {"wrong hints type",
       [](thanos::SeriesRequest* r) {
         r->mutable_hints()->PackFrom(hintspb::LabelNamesRequestHints());
       },
       "hintspb.LabelNamesRequestHints"},
      {"malformed hints",
       [](thanos::SeriesRequest* r) {
         r->mutable_hints()->set_type_url("type.googleapis.com/hintspb.SeriesRequestHints");
         r->mutable_hints()->set_value("\x0a\x05xx");
       },
       "malformed"},
      {"bad block matcher",
       [](thanos::SeriesRequest* r) {
         hintspb::SeriesRequestHints h;
         *h.add_block_matchers() = Matcher(thanos::LabelMatcher::NRE, "__block_id", "a(");
         r->mutable_hints()->PackFrom(h);
       },
       "__block_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    thanos::SeriesRequest req = UpRequest();
    c.mutate(&req);
    EXPECT_THAT(client_->Series(req), StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }

  thanos::LabelNamesRequest names;
  names.mutable_hints()->PackFrom(hintspb::LabelValuesRequestHints());
  EXPECT_THAT(client_->LabelNames(names),
              StatusIs(absl::StatusCode::kInvalidArgument, "label names request hints"));
  thanos::LabelValuesRequest values;
  *values.add_matchers() = Matcher(thanos::LabelMatcher::RE, "job", "[");
  EXPECT_THAT(client_->LabelValues(values), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(GrpcServerTest, EngineStatusCodesPassThrough) {
  store_.after_series_ =
      absl::ResourceExhaustedError("exceeded series limit: limit 2 violated (got 5)");
  store_.labels_status_ = absl::DataLossError("block 01HAAAAAAAAAAAAAAAAAAAAAAA: bad chunk");
  Start();
  EXPECT_THAT(client_->Series(UpRequest()),
              StatusIs(absl::StatusCode::kResourceExhausted, "limit 2 violated (got 5)"));
  EXPECT_THAT(client_->LabelNames(thanos::LabelNamesRequest()),
              StatusIs(absl::StatusCode::kDataLoss, "01HAAAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_THAT(client_->LabelValues(thanos::LabelValuesRequest()),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(GrpcServerTest, NonUtf8LabelBytesInAnswersSurvive) {
  const std::string name = "n\x80";
  const std::string value("\xff\xfe\x00z", 4);
  store_.AddSeries({{"__name__", "up"}, {name, value}});
  store_.labels_.values = {"\xc3\x28", std::string("\x00\xff", 2)};
  Start();

  ASSERT_OK_AND_ASSIGN(SeriesCallResult r, client_->Series(UpRequest()));
  ASSERT_EQ(r.series.size(), 6u);
  const thanos::Series& s = r.series.back();
  ASSERT_EQ(s.labels_size(), 2);
  EXPECT_EQ(s.labels(1).name(), name);
  EXPECT_EQ(s.labels(1).value(), value);

  thanos::LabelValuesRequest lv;
  lv.set_label("job");
  ASSERT_OK_AND_ASSIGN(thanos::LabelValuesResponse resp, client_->LabelValues(lv));
  EXPECT_THAT(resp.values(), ElementsAre("\xc3\x28", std::string("\x00\xff", 2)));
}

TEST_F(GrpcServerTest, InvalidUtf8InRequestsIsInvalidArgumentForEveryCall) {
  Start();
  struct Case {
    std::string name;
    thanos::LabelMatcher matcher;
  };
  const std::vector<Case> cases = {
      {"value", Matcher(thanos::LabelMatcher::EQ, "job", "a\xff")},
      {"regex value", Matcher(thanos::LabelMatcher::RE, "job", "\xc3\x28.*")},
      {"name", Matcher(thanos::LabelMatcher::NEQ, "n\x80", "x")},
      {"overlong", Matcher(thanos::LabelMatcher::EQ, "job", "\xc0\xaf")},
      {"surrogate", Matcher(thanos::LabelMatcher::NRE, "job", "\xed\xa0\x80")},
      {"truncated", Matcher(thanos::LabelMatcher::EQ, "job", "\xe2\x82")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    thanos::SeriesRequest series = UpRequest();
    *series.add_matchers() = c.matcher;
    EXPECT_THAT(client_->Series(series),
                StatusIs(absl::StatusCode::kInvalidArgument, "is not valid UTF-8"));
    thanos::LabelNamesRequest names;
    *names.add_matchers() = c.matcher;
    EXPECT_THAT(client_->LabelNames(names),
                StatusIs(absl::StatusCode::kInvalidArgument, "is not valid UTF-8"));
    thanos::LabelValuesRequest values;
    values.set_label("job");
    *values.add_matchers() = c.matcher;
    EXPECT_THAT(client_->LabelValues(values),
                StatusIs(absl::StatusCode::kInvalidArgument, "is not valid UTF-8"));
    hintspb::SeriesRequestHints hints;
    *hints.add_block_matchers() = c.matcher;
    series = UpRequest();
    series.mutable_hints()->PackFrom(hints);
    EXPECT_THAT(client_->Series(series),
                StatusIs(absl::StatusCode::kInvalidArgument, "is not valid UTF-8"));
  }
  thanos::LabelValuesRequest values;
  values.set_label("j\xffob");
  EXPECT_THAT(client_->LabelValues(values),
              StatusIs(absl::StatusCode::kInvalidArgument, "label name \"j\\xffob\""));
  // Valid multi-byte UTF-8 passes.
  thanos::SeriesRequest ok = UpRequest();
  *ok.add_matchers() =
      Matcher(thanos::LabelMatcher::NEQ, "job", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_OK(client_->Series(ok));
  EXPECT_EQ(store_.last_series()->matchers.size(), 2u);
}

// Sends `bytes` as the request of `method` and returns the call's status.
::grpc::Status CallWithRawRequest(int port, const std::string& method, const std::string& bytes) {
  auto channel =
      ::grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), ::grpc::InsecureChannelCredentials());
  ::grpc::GenericStub stub(channel);
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ::grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&ctx, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  ::grpc::Slice slice(bytes);
  ::grpc::ByteBuffer request(&slice, 1);
  call->WriteLast(request, ::grpc::WriteOptions(), reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  ::grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  ::grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

TEST_F(GrpcServerTest, GarbageRequestBytesAreInvalidArgumentForEveryCall) {
  Start();
  const std::vector<std::string> garbage = {
      std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),  // varint too long
      std::string("\x1a\x64\x0a", 3),  // matchers: a length past the end
      std::string("\x0f", 1),          // wire type 7 does not exist
  };
  for (const char* method :
       {"/thanos.Store/Series", "/thanos.Store/LabelNames", "/thanos.Store/LabelValues",
        "/thanos.Store/Info", "/thanos.info.Info/Info", "/grpc.health.v1.Health/Check"}) {
    for (const std::string& bytes : garbage) {
      SCOPED_TRACE(absl::StrCat(method, " ", tsdb::GoQuote(bytes)));
      ::grpc::Status s = CallWithRawRequest(server_->port(), method, bytes);
      EXPECT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
      EXPECT_THAT(s.error_message(), HasSubstr("malformed"));
    }
  }
  EXPECT_FALSE(store_.last_series().has_value());
}

TEST_F(GrpcServerTest, HugeInvalidRegexGivesABoundedErrorText) {
  Start();
  const std::string pattern = "(" + std::string(4 << 20, 'a');
  thanos::SeriesRequest req = UpRequest();
  *req.add_matchers() = Matcher(thanos::LabelMatcher::RE, "job", pattern);
  absl::StatusOr<SeriesCallResult> r = client_->Series(req);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument, "bad matcher for label \"job\""));
  EXPECT_LE(r.status().message().size(), kMaxErrorMessageBytes);
  // The engine's own long errors are cut the same way.
  store_.labels_status_ = absl::DataLossError(std::string(100'000, 'x'));
  absl::StatusOr<thanos::LabelNamesResponse> names = client_->LabelNames({});
  EXPECT_THAT(names, StatusIs(absl::StatusCode::kDataLoss, "error text cut from 100000 bytes"));
  EXPECT_LE(names.status().message().size(), kMaxErrorMessageBytes);
}

TEST(TruncateErrorMessage, KeepsShortTextsAndCutsLongOnesAtACharacterBoundary) {
  EXPECT_EQ(TruncateErrorMessage("short"), "short");
  const std::string fits(kMaxErrorMessageBytes, 'a');
  EXPECT_EQ(TruncateErrorMessage(fits), fits);
  std::string euros;
  while (euros.size() <= kMaxErrorMessageBytes) euros += "\xe2\x82\xac";
  const std::string cut = TruncateErrorMessage(euros);
  EXPECT_LE(cut.size(), kMaxErrorMessageBytes);
  const size_t note = cut.find(" ... (error text cut from");
  ASSERT_NE(note, std::string::npos);
  EXPECT_EQ(note % 3, 0u);  // whole euro signs only
}

TEST(GrpcServerOptions, MaxReceiveSizeIsThanosDefault) {
  // Thanos' gRPC server: grpc.MaxRecvMsgSize(math.MaxInt32), grpc.MaxSendMsgSize(math.MaxInt32).
  EXPECT_EQ(GrpcServerOptions{}.max_receive_message_size, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(GrpcServerOptions{}.max_send_message_size, std::numeric_limits<int32_t>::max());
}

TEST_F(GrpcServerTest, RequestOverTheReceiveLimitIsResourceExhausted) {
  GrpcServerOptions o;
  o.max_receive_message_size = 64 << 10;
  Start(o);
  thanos::SeriesRequest req = UpRequest();
  *req.add_matchers() = Matcher(thanos::LabelMatcher::EQ, "job", std::string(100 << 10, 'a'));
  EXPECT_THAT(client_->Series(req), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_FALSE(store_.last_series().has_value());
  EXPECT_OK(client_->Series(UpRequest()));
}

TEST_F(GrpcServerTest, LabelCallsCarryResponseHints) {
  store_.labels_.values = {"job", "zone"};
  store_.labels_.queried_blocks = {"01HAAAAAAAAAAAAAAAAAAAAAAA"};
  Start();

  thanos::LabelNamesRequest names;
  names.set_start(10);
  names.set_end(20);
  names.set_limit(7);
  names.add_without_replica_labels("replica");
  hintspb::LabelNamesRequestHints nh;
  *nh.add_block_matchers() = Matcher(thanos::LabelMatcher::EQ, "zone", "eu");
  names.mutable_hints()->PackFrom(nh);
  ASSERT_OK_AND_ASSIGN(thanos::LabelNamesResponse nresp, Client("t1")->LabelNames(names));
  EXPECT_THAT(nresp.names(), ElementsAre("job", "zone"));
  EXPECT_EQ(nresp.hints().type_url(), "type.googleapis.com/hintspb.LabelNamesResponseHints");
  hintspb::LabelNamesResponseHints nrh;
  ASSERT_TRUE(nresp.hints().UnpackTo(&nrh));
  ASSERT_EQ(nrh.queried_blocks_size(), 1);
  EXPECT_EQ(nrh.queried_blocks(0).id(), "01HAAAAAAAAAAAAAAAAAAAAAAA");
  std::optional<store::LabelNamesRequest> seen = store_.last_names();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->start, 10);
  EXPECT_EQ(seen->end, 20);
  EXPECT_EQ(seen->limit, 7);
  EXPECT_THAT(seen->without_replica_labels, ElementsAre("replica"));
  ASSERT_EQ(seen->block_matchers.size(), 1u);
  EXPECT_EQ(seen->block_matchers[0].value(), "eu");
  EXPECT_EQ(seen->tenant, "t1");

  thanos::LabelValuesRequest values;
  values.set_label("job");
  *values.add_matchers() = Matcher(thanos::LabelMatcher::RE, "zone", "eu.*");
  ASSERT_OK_AND_ASSIGN(thanos::LabelValuesResponse vresp, client_->LabelValues(values));
  EXPECT_EQ(vresp.hints().type_url(), "type.googleapis.com/hintspb.LabelValuesResponseHints");
  std::optional<store::LabelValuesRequest> vseen = store_.last_values();
  ASSERT_TRUE(vseen.has_value());
  EXPECT_EQ(vseen->label, "job");
  ASSERT_EQ(vseen->matchers.size(), 1u);
  EXPECT_TRUE(vseen->matchers[0].Matches("eu-west"));
}

store::StoreInfo SampleInfo() {
  store::StoreInfo info;
  info.min_time = 1000;
  info.max_time = 9000;
  info.label_sets = {{{"cluster", "a"}}, {{"cluster", "b"}, {"replica", "1"}}};
  info.tsdb_infos = {{{{"cluster", "a"}}, 1000, 5000}, {{{"cluster", "b"}}, 2000, 9000}};
  return info;
}

TEST_F(GrpcServerTest, LegacyStoreInfo) {
  store_.info_ = SampleInfo();
  Start();
  ASSERT_OK_AND_ASSIGN(thanos::InfoResponse info, client_->LegacyInfo());
  EXPECT_EQ(info.storetype(), thanos::STORE);
  EXPECT_EQ(info.min_time(), 1000);
  EXPECT_EQ(info.max_time(), 9000);
  EXPECT_EQ(info.labels_size(), 0);
  ASSERT_EQ(info.label_sets_size(), 3);
  EXPECT_EQ(info.label_sets(1).labels(1).name(), "replica");
  ASSERT_EQ(info.label_sets(2).labels_size(), 1);
  EXPECT_EQ(info.label_sets(2).labels(0).name(), "@thanos_compatibility_store_type");
  EXPECT_EQ(info.label_sets(2).labels(0).value(), "store");
}

TEST_F(GrpcServerTest, CompatibilityLabelNeedsALabelSetAndTheOption) {
  EXPECT_TRUE(AdvertisedLabelSets(store::StoreInfo(), true).empty());
  EXPECT_EQ(AdvertisedLabelSets(SampleInfo(), false).size(), 2u);
  EXPECT_EQ(AdvertisedLabelSets(SampleInfo(), true).size(), 3u);

  store_.info_ = SampleInfo();
  GrpcServerOptions o;
  o.advertise_compatibility_label = false;
  Start(o);
  ASSERT_OK_AND_ASSIGN(thanos::InfoResponse legacy, client_->LegacyInfo());
  EXPECT_EQ(legacy.label_sets_size(), 2);
  ASSERT_OK_AND_ASSIGN(thanos::info::InfoResponse info, client_->Info());
  EXPECT_EQ(info.label_sets_size(), 2);
}

TEST_F(GrpcServerTest, InfoServiceDescribesTheStore) {
  store_.info_ = SampleInfo();
  Start();
  ASSERT_OK_AND_ASSIGN(thanos::info::InfoResponse info, client_->Info());
  EXPECT_EQ(info.componenttype(), "store");
  EXPECT_EQ(info.label_sets_size(), 3);
  ASSERT_TRUE(info.has_store());
  EXPECT_FALSE(info.has_rules());
  EXPECT_FALSE(info.has_exemplars());
  const thanos::info::StoreInfo& s = info.store();
  EXPECT_EQ(s.min_time(), 1000);
  EXPECT_EQ(s.max_time(), 9000);
  EXPECT_TRUE(s.supports_sharding());
  EXPECT_TRUE(s.supports_without_replica_labels());
  ASSERT_EQ(s.tsdb_infos_size(), 2);
  EXPECT_EQ(s.tsdb_infos(1).labels().labels(0).value(), "b");
  EXPECT_EQ(s.tsdb_infos(1).min_time(), 2000);
  EXPECT_EQ(s.tsdb_infos(1).max_time(), 9000);
}

TEST_F(GrpcServerTest, EmptyStoreAdvertisesAnEmptyRange) {
  Start();
  ASSERT_OK_AND_ASSIGN(thanos::info::InfoResponse info, client_->Info());
  EXPECT_EQ(info.store().min_time(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(info.store().max_time(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(info.label_sets_size(), 0);
}

TEST_F(GrpcServerTest, HealthFollowsReadiness) {
  store_.ready_ = false;
  Start();
  ASSERT_OK_AND_ASSIGN(auto before, client_->Health());
  EXPECT_EQ(before, ::grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  store_.ready_ = true;
  ASSERT_OK_AND_ASSIGN(auto after, client_->Health());
  EXPECT_EQ(after, ::grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_THAT(client_->Health("thanos.Store"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(GrpcServerTest, HealthWatchSeesTheChange) {
  store_.ready_ = false;
  Start();
  auto channel = ::grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                       ::grpc::InsecureChannelCredentials());
  auto stub = ::grpc::health::v1::Health::NewStub(channel);
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = stub->Watch(&ctx, ::grpc::health::v1::HealthCheckRequest());
  ::grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), ::grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  store_.ready_ = true;
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), ::grpc::health::v1::HealthCheckResponse::SERVING);
  // Shutdown ends the stream after a last NOT_SERVING.
  server_->Shutdown(absl::Seconds(10));
  ASSERT_TRUE(reader->Read(&resp));
  EXPECT_EQ(resp.status(), ::grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&resp));
}

TEST_F(GrpcServerTest, ReflectionListsTheServices) {
  Start();
  auto channel = ::grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                       ::grpc::InsecureChannelCredentials());
  ::grpc::GenericStub stub(channel);
  ::grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ::grpc::CompletionQueue cq;
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int want) {
    ASSERT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(static_cast<intptr_t>(want)));
    EXPECT_TRUE(ok);
  };
  call->StartCall(reinterpret_cast<void*>(1));
  step(1);
  // ServerReflectionRequest{list_services (7): ""}, written by hand.
  ::grpc::Slice slice(std::string("\x3a\x00", 2));
  ::grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  step(2);
  ::grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(3));
  step(3);
  std::vector<::grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const ::grpc::Slice& sl : slices)
    bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  EXPECT_THAT(bytes, HasSubstr("thanos.Store"));
  EXPECT_THAT(bytes, HasSubstr("thanos.info.Info"));
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  call->WritesDone(reinterpret_cast<void*>(4));
  step(4);
  ::grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(GrpcServerTest, MetricsUseGoGrpcNames) {
  Start();
  const std::map<std::string, std::string> series = {
      {"grpc_service", "thanos.Store"}, {"grpc_method", "Series"}, {"grpc_type", "server_stream"}};
  auto with_code = [](std::map<std::string, std::string> l, std::string code) {
    l["grpc_code"] = std::move(code);
    return l;
  };
  // Pre-initialised, as Go's InitializeMetrics does.
  EXPECT_EQ(Metric("grpc_server_started_total", series), 0);
  EXPECT_EQ(Metric("grpc_server_handled_total", {{"grpc_service", "thanos.info.Info"},
                                                 {"grpc_method", "Info"},
                                                 {"grpc_type", "unary"},
                                                 {"grpc_code", "Unavailable"}}),
            0);

  ASSERT_OK(client_->Series(UpRequest()));
  thanos::SeriesRequest bad = UpRequest();
  bad.set_min_time(5000);
  EXPECT_THAT(client_->Series(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK(client_->Info());

  EXPECT_EQ(Metric("grpc_server_started_total", series), 2);
  EXPECT_EQ(Metric("grpc_server_handled_total", with_code(series, "OK")), 1);
  EXPECT_EQ(Metric("grpc_server_handled_total", with_code(series, "InvalidArgument")), 1);
  EXPECT_EQ(Metric("grpc_server_msg_received_total", series), 2);
  EXPECT_EQ(Metric("grpc_server_msg_sent_total", series), 5);
  EXPECT_EQ(Metric("grpc_server_handling_seconds", series), 2);
  EXPECT_EQ(Metric("grpc_server_handled_total", {{"grpc_service", "thanos.info.Info"},
                                                 {"grpc_method", "Info"},
                                                 {"grpc_type", "unary"},
                                                 {"grpc_code", "OK"}}),
            1);
  EXPECT_EQ(Metric("thanos_store_server_series_requested", {}), 1);
  EXPECT_EQ(Metric("thanos_store_server_chunks_requested", {}), 1);
}

TEST_F(GrpcServerTest, SentChunkSizeIsObservedPerSeries) {
  Start();
  ASSERT_OK_AND_ASSIGN(SeriesCallResult r, client_->Series(UpRequest()));
  double bytes = 0;
  for (const thanos::Series& s : r.series) {
    for (const thanos::AggrChunk& c : s.chunks()) bytes += c.raw().data().size();
  }
  ASSERT_GT(bytes, 0);
  const prometheus::ClientMetric* m = nullptr;
  std::vector<prometheus::MetricFamily> families = registry_.Collect();
  for (const prometheus::MetricFamily& f : families) {
    if (f.name != "thanos_bucket_store_sent_chunk_size_bytes") continue;
    ASSERT_EQ(f.type, prometheus::MetricType::Histogram);
    ASSERT_EQ(f.metric.size(), 1u);
    m = &f.metric[0];
  }
  ASSERT_NE(m, nullptr);
  // One observation per series, its chunks' bytes summed; the three chunkless series weigh 0.
  EXPECT_EQ(m->histogram.sample_count, 5u);
  EXPECT_EQ(m->histogram.sample_sum, bytes);
  ASSERT_FALSE(m->histogram.bucket.empty());
  EXPECT_EQ(m->histogram.bucket[0].upper_bound, 32);
  EXPECT_GE(m->histogram.bucket[0].cumulative_count, 3u);
  EXPECT_EQ(m->histogram.bucket.back().cumulative_count, 5u);
}

TEST(GrpcServerStart, SecondServerOnTheSamePortFails) {
  ScriptedStore store;
  GrpcServerOptions o;
  o.address = "127.0.0.1:0";
  GrpcServer first(store, o);
  ASSERT_OK(first.Start());
  o.address = absl::StrCat("127.0.0.1:", first.port());
  GrpcServer second(store, o);
  EXPECT_THAT(second.Start(), StatusIs(absl::StatusCode::kUnavailable, o.address));
  EXPECT_THAT(first.Start(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(GrpcServerStart, BadAddressAndTlsFilesFail) {
  ScriptedStore store;
  GrpcServerOptions o;
  o.address = "not an address";
  EXPECT_THAT(GrpcServer(store, o).Start(), StatusIs(absl::StatusCode::kUnavailable));
  o.address = "127.0.0.1:0";
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  EXPECT_THAT(GrpcServer(store, o).Start(),
              StatusIs(absl::StatusCode::kInvalidArgument, "cert.pem"));
  o.tls_key_file.clear();
  EXPECT_THAT(GrpcServer(store, o).Start(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(GrpcServerStart, ShutdownIsIdempotentAndRefusesNewCalls) {
  ScriptedStore store;
  GrpcServerOptions o;
  o.address = "127.0.0.1:0";
  GrpcServer server(store, o);
  ASSERT_OK(server.Start());
  StoreClientOptions co;
  co.address = absl::StrCat("127.0.0.1:", server.port());
  co.timeout = absl::Seconds(5);
  ASSERT_OK_AND_ASSIGN(auto client, StoreClient::Connect(co));
  ASSERT_OK(client->Info());
  server.Shutdown(absl::Seconds(1));
  server.Shutdown(absl::Seconds(1));
  EXPECT_THAT(client->Info(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(StoreClient, NothingListeningIsUnavailable) {
  ScriptedStore store;
  GrpcServerOptions o;
  o.address = "127.0.0.1:0";
  int port = 0;
  {
    GrpcServer server(store, o);
    ASSERT_OK(server.Start());
    port = server.port();
  }
  StoreClientOptions co;
  co.address = absl::StrCat("127.0.0.1:", port);
  co.timeout = absl::Seconds(5);
  ASSERT_OK_AND_ASSIGN(auto client, StoreClient::Connect(co));
  EXPECT_THAT(client->Series(UpRequest()), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace charon::server::grpc
