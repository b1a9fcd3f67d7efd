#include "bench/charon_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "server/grpc/proto/store_rpc.grpc.pb.h"

namespace charon::bench {

struct CharonClient::Stubs {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<thanos::Store::Stub> store;
};

namespace {

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

template <typename Req>
void FillMatchers(const BenchQuery& q, Req* req) {
  for (const MatcherSpec& m : q.matchers) {
    thanos::LabelMatcher* pm = req->add_matchers();
    pm->set_type(static_cast<thanos::LabelMatcher::Type>(static_cast<int>(m.type)));
    pm->set_name(m.name);
    pm->set_value(m.value);
  }
}

void CountSeries(const thanos::Series& s, CallCounts* c) {
  ++c->items;
  c->chunks += s.chunks_size();
  for (const thanos::AggrChunk& ch : s.chunks()) {
    c->chunk_bytes += static_cast<int64_t>(ch.raw().data().size());
  }
}

// Counts one Series stream message; warnings fail the call (a partial answer is not comparable).
absl::Status CountResponse(const thanos::SeriesResponse& r, CallCounts* c) {
  ++c->frames;
  switch (r.result_case()) {
    case thanos::SeriesResponse::kSeries:
      CountSeries(r.series(), c);
      break;
    case thanos::SeriesResponse::kBatch:
      for (const thanos::Series& s : r.batch().series()) CountSeries(s, c);
      break;
    case thanos::SeriesResponse::kWarning:
      return absl::InternalError(absl::StrCat("warning: ", r.warning()));
    default:
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CharonClient>> CharonClient::Connect(const std::string& address,
                                                                    int batch_size,
                                                                    double timeout_seconds) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  // A private subchannel pool: a connection of this client's own, as separate queriers have.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto stubs = std::make_unique<Stubs>();
  stubs->channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  stubs->store = thanos::Store::NewStub(stubs->channel);
  return std::unique_ptr<CharonClient>(
      new CharonClient(std::move(stubs), batch_size, timeout_seconds));
}

CharonClient::CharonClient(std::unique_ptr<Stubs> stubs, int batch_size, double timeout_seconds)
    : stubs_(std::move(stubs)), batch_size_(batch_size), timeout_seconds_(timeout_seconds) {}

CharonClient::~CharonClient() = default;

absl::StatusOr<CallCounts> CharonClient::Call(const BenchQuery& q,
                                              std::vector<std::string>* capture) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::duration_cast<std::chrono::system_clock::duration>(
                       std::chrono::duration<double>(timeout_seconds_)));
  CallCounts c;
  switch (q.kind) {
    case QueryKind::kSeries:
    case QueryKind::kSeriesSkipChunks: {
      thanos::SeriesRequest req;
      req.set_min_time(q.min_time_ms);
      req.set_max_time(q.max_time_ms);
      FillMatchers(q, &req);
      req.set_skip_chunks(q.kind == QueryKind::kSeriesSkipChunks);
      req.set_partial_response_disabled(true);
      req.set_partial_response_strategy(thanos::ABORT);
      req.set_response_batch_size(batch_size_);
      std::unique_ptr<grpc::ClientReader<thanos::SeriesResponse>> reader =
          stubs_->store->Series(&ctx, req);
      thanos::SeriesResponse resp;
      absl::Status counted;
      while (reader->Read(&resp)) {
        if (capture != nullptr) capture->push_back(resp.SerializeAsString());
        if (counted.ok()) counted = CountResponse(resp, &c);
      }
      grpc::Status s = reader->Finish();
      if (!s.ok()) return FromGrpc(s);
      if (!counted.ok()) return counted;
      return c;
    }
    case QueryKind::kLabelNames: {
      thanos::LabelNamesRequest req;
      req.set_start(q.min_time_ms);
      req.set_end(q.max_time_ms);
      req.set_partial_response_disabled(true);
      FillMatchers(q, &req);
      thanos::LabelNamesResponse resp;
      grpc::Status s = stubs_->store->LabelNames(&ctx, req, &resp);
      if (!s.ok()) return FromGrpc(s);
      if (capture != nullptr) capture->push_back(resp.SerializeAsString());
      c.items = resp.names_size();
      c.frames = 1;
      return c;
    }
    case QueryKind::kLabelValues: {
      thanos::LabelValuesRequest req;
      req.set_label(q.label);
      req.set_start(q.min_time_ms);
      req.set_end(q.max_time_ms);
      req.set_partial_response_disabled(true);
      FillMatchers(q, &req);
      thanos::LabelValuesResponse resp;
      grpc::Status s = stubs_->store->LabelValues(&ctx, req, &resp);
      if (!s.ok()) return FromGrpc(s);
      if (capture != nullptr) capture->push_back(resp.SerializeAsString());
      c.items = resp.values_size();
      c.frames = 1;
      return c;
    }
  }
  return absl::InternalError("unknown query kind");
}

absl::StatusOr<CallCounts> CharonClient::Decode(const BenchQuery& q,
                                                const std::vector<std::string>& captured) {
  CallCounts c;
  if (q.kind == QueryKind::kLabelNames || q.kind == QueryKind::kLabelValues) {
    for (const std::string& m : captured) {
      thanos::LabelValuesResponse resp;  // names and values share the field layout
      if (!resp.ParseFromString(m)) return absl::InternalError("unparsable label response");
      c.items += resp.values_size();
      ++c.frames;
    }
    return c;
  }
  thanos::SeriesResponse resp;
  for (const std::string& m : captured) {
    if (!resp.ParseFromString(m)) return absl::InternalError("unparsable SeriesResponse");
    absl::Status s = CountResponse(resp, &c);
    if (!s.ok()) return s;
  }
  return c;
}

}  // namespace charon::bench
