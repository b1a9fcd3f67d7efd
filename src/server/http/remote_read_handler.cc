#include "server/http/remote_read_handler.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "server/http/proto/remote.pb.h"
#include "server/http/remote_read_codec.h"
#include "snappy.h"
#include "tsdb/xor_chunk.h"

namespace charon::server::http {
namespace {

// StoreAPI chunk encodings are the TSDB encoding byte minus one.
constexpr int32_t kStoreXor = 0;

// Streamed frames are gathered up to this size before an HTTP chunk is sent: one write per frame
// costs a syscall per series on small series.
constexpr size_t kFlushBytes = 64 << 10;

int HttpStatusFor(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kResourceExhausted:  // Prometheus: sample limit is 400 Bad Request
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

// Limits and bad arguments are the client's business (it gets the reason); a gone client is
// normal. Everything else (bucket errors, corrupt chunks: the message names the block) is logged.
void LogFailure(const absl::Status& s) {
  if (HttpStatusFor(s) == 400 || s.code() == absl::StatusCode::kCancelled) return;
  base::LogWarn("remote read failed", {{"err", s}});
}

HttpResponse ErrorResponse(const absl::Status& s) {
  return HttpResponse::Text(HttpStatusFor(s), absl::StrCat(s.message(), "\n"));
}

store::SeriesRequest StoreRequest(const RemoteReadQuery& q, const RemoteReadOptions& options) {
  store::SeriesRequest r;
  r.min_time = q.start_ms;
  r.max_time = q.end_ms;
  r.matchers = q.matchers;
  r.aggregates = {store::Aggr::kRaw};
  r.without_replica_labels = options.without_replica_labels;
  return r;
}

// Decodes each series' XOR chunks into one TimeSeries of the query's result.
class SamplesSink : public store::SeriesSink {
 public:
  SamplesSink(const RemoteReadQuery& q, int64_t sample_limit, int64_t* total,
              prompb::QueryResult* result)
      : start_(q.start_ms), end_(q.end_ms), limit_(sample_limit), total_(total), result_(result) {}

  absl::Status Send(const store::SeriesOut& series) override {
    samples_.clear();
    for (const store::AggrChunk& c : series.chunks) {
      if (!c.raw.has_value()) continue;
      if (c.raw->encoding != kStoreXor) {
        return absl::FailedPreconditionError(absl::StrCat(
            "series ", tsdb::LabelsToString(series.labels),
            " holds native histogram chunks, which are served only as STREAMED_XOR_CHUNKS"));
      }
      if (c.max_time < start_ || c.min_time > end_) continue;
      tsdb::XorIterator it(c.raw->data);
      while (it.Next()) {
        if (it.t() < start_) continue;
        if (it.t() > end_) break;
        samples_.push_back({it.t(), it.v()});
      }
      if (!it.status().ok()) {
        return absl::DataLossError(absl::StrCat("series ", tsdb::LabelsToString(series.labels),
                                                ": ", it.status().message()));
      }
    }
    if (samples_.empty()) return absl::OkStatus();
    // Chunks of overlapping blocks: time order, one sample per timestamp (the first block's).
    auto by_time = [](const tsdb::XorSample& a, const tsdb::XorSample& b) { return a.t < b.t; };
    if (!std::is_sorted(samples_.begin(), samples_.end(), by_time)) {
      std::stable_sort(samples_.begin(), samples_.end(), by_time);
      samples_.erase(std::unique(samples_.begin(), samples_.end(),
                                 [](const auto& a, const auto& b) { return a.t == b.t; }),
                     samples_.end());
    }
    *total_ += static_cast<int64_t>(samples_.size());
    if (limit_ > 0 && *total_ > limit_) {
      return absl::ResourceExhaustedError(absl::StrCat("exceeded sample limit (", limit_, ")"));
    }
    prompb::TimeSeries* ts = result_->add_timeseries();
    for (const tsdb::Label& l : series.labels) {
      prompb::Label* pl = ts->add_labels();
      pl->set_name(l.name);
      pl->set_value(l.value);
    }
    ts->mutable_samples()->Reserve(static_cast<int>(samples_.size()));
    for (const tsdb::XorSample& s : samples_) {
      prompb::Sample* ps = ts->add_samples();
      ps->set_timestamp(s.t);
      ps->set_value(s.v);
    }
    return absl::OkStatus();
  }

 private:
  int64_t start_, end_, limit_;
  int64_t* total_;
  prompb::QueryResult* result_;
  std::vector<tsdb::XorSample> samples_;
};

// Frames each series as it arrives and hands them to the HTTP stream in batches.
class FrameSink : public store::SeriesSink {
 public:
  FrameSink(const BodyWriter& write, int64_t max_bytes_in_frame)
      : write_(write), max_bytes_(max_bytes_in_frame) {}

  void set_query_index(int64_t i) { query_index_ = i; }

  absl::Status Send(const store::SeriesOut& series) override {
    chunks_.clear();
    for (const store::AggrChunk& c : series.chunks) {
      if (!c.raw.has_value()) continue;
      chunks_.push_back({c.min_time, c.max_time, c.raw->encoding + 1, c.raw->data});
    }
    if (chunks_.empty()) return absl::OkStatus();  // as Prometheus: no frame without chunks
    auto by_start = [](const FrameChunk& a, const FrameChunk& b) {
      return a.min_time_ms < b.min_time_ms;
    };
    if (!std::is_sorted(chunks_.begin(), chunks_.end(), by_start)) {
      std::stable_sort(chunks_.begin(), chunks_.end(), by_start);
    }
    AppendSeriesFrames(series.labels, chunks_, query_index_, max_bytes_, &buf_);
    return buf_.size() >= kFlushBytes ? Flush() : absl::OkStatus();
  }

  absl::Status Flush() {
    if (buf_.empty()) return absl::OkStatus();
    if (!write_(buf_)) return absl::CancelledError("remote-read client went away");
    buf_.clear();
    return absl::OkStatus();
  }

 private:
  const BodyWriter& write_;
  int64_t max_bytes_;
  int64_t query_index_ = 0;
  std::vector<FrameChunk> chunks_;
  std::string buf_;
};

}  // namespace

// Holds one of the `concurrent_limit` request slots for its lifetime.
class RemoteReadHandler::Slot {
 public:
  explicit Slot(RemoteReadHandler* h) : h_(h) {
    if (h_->options_.concurrent_limit <= 0) return;
    absl::MutexLock lock(&h_->mu_);
    auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(h_->mu_) {
      return h_->running_ < h_->options_.concurrent_limit;
    };
    h_->mu_.Await(absl::Condition(&free));
    ++h_->running_;
  }
  ~Slot() {
    if (h_->options_.concurrent_limit <= 0) return;
    absl::MutexLock lock(&h_->mu_);
    --h_->running_;
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  RemoteReadHandler* h_;
};

RemoteReadHandler::RemoteReadHandler(RemoteReadOptions options,
                                     std::function<store::StoreApi*()> store)
    : options_(std::move(options)), store_(std::move(store)) {}

HttpResponse RemoteReadHandler::Handle(const HttpRequest& request) {
  if (request.method != "POST") {
    HttpResponse r = HttpResponse::Text(405, "remote read takes POST\n");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  absl::StatusOr<RemoteReadRequest> decoded =
      DecodeReadRequest(request.body, options_.matchers_cache);
  if (!decoded.ok()) return ErrorResponse(decoded.status());
  store::StoreApi* store = store_ ? store_() : nullptr;
  if (store == nullptr || !store->Ready()) {
    return HttpResponse::Text(503, "store is not ready: initial block sync still running\n");
  }

  if (decoded->response_type == ReadResponseType::kSamples) {
    Slot slot(this);
    prompb::ReadResponse response;
    int64_t total = 0;
    for (const RemoteReadQuery& q : decoded->queries) {
      SamplesSink sink(q, options_.sample_limit, &total, response.add_results());
      store::SeriesResult result;
      absl::Status s = store->Series(StoreRequest(q, options_), sink, &result);
      if (!s.ok()) {
        LogFailure(s);
        return ErrorResponse(s);
      }
    }
    const std::string raw = response.SerializeAsString();
    HttpResponse r;
    r.content_type = "application/x-protobuf";
    r.headers.emplace_back("Content-Encoding", "snappy");
    snappy::Compress(raw.data(), raw.size(), &r.body);
    return r;
  }

  HttpResponse r;
  r.content_type = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";
  auto req = std::make_shared<const RemoteReadRequest>(*std::move(decoded));
  r.stream = [this, store, req](const BodyWriter& write) {
    Slot slot(this);
    FrameSink sink(write, options_.max_bytes_in_frame);
    absl::Status s;
    for (size_t i = 0; i < req->queries.size() && s.ok(); ++i) {
      sink.set_query_index(static_cast<int64_t>(i));
      store::SeriesResult result;
      s = store->Series(StoreRequest(req->queries[i], options_), sink, &result);
    }
    if (s.ok()) s = sink.Flush();
    if (s.ok()) return StreamOutcome{};
    LogFailure(s);
    return StreamOutcome{HttpStatusFor(s), absl::StrCat(s.message(), "\n")};
  };
  return r;
}

}  // namespace charon::server::http
