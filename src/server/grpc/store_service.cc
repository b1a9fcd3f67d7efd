#include "server/grpc/store_service.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/grpc/conversions.h"

namespace charon::server::grpc {
namespace {

size_t ChunkBytes(const store::AggrChunk& c) {
  size_t n = 0;
  for (const auto* part : {&c.raw, &c.count, &c.sum, &c.min, &c.max, &c.counter}) {
    if (part->has_value()) n += (*part)->data.size();
  }
  return n;
}

// thanos_bucket_store_sent_chunk_size_bytes observations of one call, counted locally and added to
// the histogram once at the end: the shared histogram's lock stays off the per-series path.
class ChunkSizeTally {
 public:
  ChunkSizeTally() : counts_(ServerMetrics::SentChunkSizeBuckets().size() + 1, 0) {}

  void Observe(size_t bytes) {
    const auto& bounds = ServerMetrics::SentChunkSizeBuckets();
    const double v = static_cast<double>(bytes);
    const size_t i = std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin();
    counts_[i] += 1;
    sum_ += v;
  }

  void AddTo(prometheus::Histogram& h) const { h.ObserveMultiple(counts_, sum_); }

 private:
  std::vector<double> counts_;  // per bucket (upper bound inclusive), the last one is +Inf
  double sum_ = 0;
};

// Turns SeriesOut values into frames on the call's stream.
class FrameSink final : public store::SeriesSink {
 public:
  FrameSink(::grpc::ServerContext* ctx, ::grpc::ServerWriter<thanos::SeriesResponse>* writer,
            int64_t batch_size)
      : ctx_(ctx), writer_(writer), batch_size_(batch_size) {}

  absl::Status Send(const store::SeriesOut& series) override {
    absl::MutexLock lock(&mu_);
    ++series_;
    chunks_ += static_cast<int64_t>(series.chunks.size());
    size_t bytes = 0;
    for (const store::AggrChunk& c : series.chunks) bytes += ChunkBytes(c);
    chunk_sizes_.Observe(bytes);
    // One frame object for the whole call, refilled in place (see SeriesToProto).
    if (batch_size_ <= 1) {
      SeriesToProto(series, frame_.mutable_series());
      return Write(frame_);
    }
    auto* batch = pending_.mutable_batch()->mutable_series();
    SeriesToProto(series, batch_len_ < batch->size() ? batch->Mutable(batch_len_) : batch->Add());
    if (++batch_len_ >= batch_size_) return FlushLocked();
    return absl::OkStatus();
  }

  // Sends the partial batch, if any.
  absl::Status Flush() {
    absl::MutexLock lock(&mu_);
    return FlushLocked();
  }

  absl::Status SendOther(const thanos::SeriesResponse& frame) {
    absl::MutexLock lock(&mu_);
    // A non-series frame flushes the pending batch first, keeping the frame order.
    absl::Status s = FlushLocked();
    if (!s.ok()) return s;
    return Write(frame);
  }

  int64_t series() const {
    absl::MutexLock lock(&mu_);
    return series_;
  }
  int64_t chunks() const {
    absl::MutexLock lock(&mu_);
    return chunks_;
  }
  void AddChunkSizesTo(prometheus::Histogram& h) const {
    absl::MutexLock lock(&mu_);
    chunk_sizes_.AddTo(h);
  }

 private:
  absl::Status FlushLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (batch_len_ == 0) return absl::OkStatus();
    // A last, partial batch: drop the series left over from the previous, full one.
    auto* batch = pending_.mutable_batch()->mutable_series();
    while (batch->size() > batch_len_) batch->RemoveLast();
    batch_len_ = 0;
    return Write(pending_);
  }

  absl::Status Write(const thanos::SeriesResponse& frame) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (ctx_->IsCancelled()) return absl::CancelledError("send series response: call cancelled");
    if (!writer_->Write(frame)) {
      return absl::CancelledError("send series response: client went away");
    }
    return absl::OkStatus();
  }

  ::grpc::ServerContext* ctx_;
  ::grpc::ServerWriter<thanos::SeriesResponse>* writer_;
  const int64_t batch_size_;
  mutable absl::Mutex mu_;
  thanos::SeriesResponse pending_ ABSL_GUARDED_BY(mu_);  // its batch holds batch_len_ series
  int batch_len_ ABSL_GUARDED_BY(mu_) = 0;
  thanos::SeriesResponse frame_ ABSL_GUARDED_BY(mu_);
  int64_t series_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t chunks_ ABSL_GUARDED_BY(mu_) = 0;
  ChunkSizeTally chunk_sizes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::vector<tsdb::Labels> AdvertisedLabelSets(const store::StoreInfo& info, bool compat_label) {
  std::vector<tsdb::Labels> sets = info.label_sets;
  if (compat_label && !sets.empty()) {
    sets.push_back(tsdb::Labels{{kCompatibilityLabelName, "store"}});
  }
  return sets;
}

namespace {

// The client's deadline and liveness, for the store to stop a call's work once it is over.
store::CallContext CallContextOf(::grpc::ServerContext* ctx) {
  store::CallContext call;
  // gRPC reports "no deadline" as the far future; keep the store's infinite future for it.
  absl::Time deadline = absl::FromChrono(ctx->deadline());
  if (deadline < absl::Now() + absl::Hours(24 * 365)) call.deadline = deadline;
  call.cancelled = [ctx] { return ctx->IsCancelled(); };
  return call;
}

}  // namespace

std::string TenantFromContext(const ::grpc::ServerContext& ctx) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(kTenantMetadataKey);
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

::grpc::Status StoreServiceImpl::Info(::grpc::ServerContext* /*ctx*/,
                                      const thanos::InfoRequest* /*req*/,
                                      thanos::InfoResponse* resp) {
  store::StoreInfo info = store_.Info();
  resp->set_storetype(thanos::STORE);
  resp->set_min_time(info.min_time);
  resp->set_max_time(info.max_time);
  for (const tsdb::Labels& set : AdvertisedLabelSets(info, advertise_compat_label_)) {
    LabelsToProto(set, resp->add_label_sets()->mutable_labels());
  }
  return ::grpc::Status::OK;
}

::grpc::Status StoreServiceImpl::Series(::grpc::ServerContext* ctx,
                                        const thanos::SeriesRequest* req,
                                        ::grpc::ServerWriter<thanos::SeriesResponse>* writer) {
  absl::StatusOr<store::SeriesRequest> sreq =
      SeriesRequestFromProto(*req, TenantFromContext(*ctx), matchers_cache_);
  if (!sreq.ok()) return ToGrpcStatus(sreq.status());
  sreq->call = CallContextOf(ctx);

  FrameSink sink(ctx, writer, req->response_batch_size());
  store::SeriesResult result;
  absl::Status s = store_.Series(*sreq, sink, &result);
  if (metrics_ != nullptr) {
    metrics_->series_requested().Observe(static_cast<double>(sink.series()));
    metrics_->chunks_requested().Observe(static_cast<double>(sink.chunks()));
    sink.AddChunkSizesTo(metrics_->sent_chunk_size());
  }
  if (!s.ok()) return ToGrpcStatus(s);
  s = sink.Flush();
  if (!s.ok()) return ToGrpcStatus(s);

  if (req->has_hints()) {
    thanos::SeriesResponse frame;
    frame.mutable_hints()->PackFrom(SeriesResponseHintsToProto(result, sreq->enable_query_stats));
    s = sink.SendOther(frame);
    if (!s.ok()) return ToGrpcStatus(s);
  }
  return ::grpc::Status::OK;
}

::grpc::Status StoreServiceImpl::LabelNames(::grpc::ServerContext* ctx,
                                            const thanos::LabelNamesRequest* req,
                                            thanos::LabelNamesResponse* resp) {
  absl::StatusOr<store::LabelNamesRequest> lreq =
      LabelNamesRequestFromProto(*req, TenantFromContext(*ctx), matchers_cache_);
  if (!lreq.ok()) return ToGrpcStatus(lreq.status());
  lreq->call = CallContextOf(ctx);
  absl::StatusOr<store::LabelsResult> result = store_.LabelNames(*lreq);
  if (!result.ok()) return ToGrpcStatus(result.status());

  resp->mutable_names()->Reserve(static_cast<int>(result->values.size()));
  for (std::string& name : result->values) resp->add_names(std::move(name));
  hintspb::LabelNamesResponseHints hints;
  for (const std::string& id : result->queried_blocks) hints.add_queried_blocks()->set_id(id);
  resp->mutable_hints()->PackFrom(hints);
  return ::grpc::Status::OK;
}

::grpc::Status StoreServiceImpl::LabelValues(::grpc::ServerContext* ctx,
                                             const thanos::LabelValuesRequest* req,
                                             thanos::LabelValuesResponse* resp) {
  absl::StatusOr<store::LabelValuesRequest> lreq =
      LabelValuesRequestFromProto(*req, TenantFromContext(*ctx), matchers_cache_);
  if (!lreq.ok()) return ToGrpcStatus(lreq.status());
  lreq->call = CallContextOf(ctx);
  absl::StatusOr<store::LabelsResult> result = store_.LabelValues(*lreq);
  if (!result.ok()) return ToGrpcStatus(result.status());

  resp->mutable_values()->Reserve(static_cast<int>(result->values.size()));
  for (std::string& value : result->values) resp->add_values(std::move(value));
  hintspb::LabelValuesResponseHints hints;
  for (const std::string& id : result->queried_blocks) hints.add_queried_blocks()->set_id(id);
  resp->mutable_hints()->PackFrom(hints);
  return ::grpc::Status::OK;
}

}  // namespace charon::server::grpc
