#include "server/grpc/health_service.h"

namespace charon::server::grpc {

using ::grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus HealthServiceImpl::Status() const {
  {
    absl::MutexLock lock(&mu_);
    if (shutting_down_) return HealthCheckResponse::NOT_SERVING;
  }
  return store_.Ready() ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

void HealthServiceImpl::BeginShutdown(absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
  auto no_watches = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return active_watches_ == 0; };
  mu_.AwaitWithTimeout(absl::Condition(&no_watches), wait);
}

::grpc::Status HealthServiceImpl::Check(::grpc::ServerContext* /*ctx*/,
                                        const ::grpc::health::v1::HealthCheckRequest* req,
                                        HealthCheckResponse* resp) {
  if (!req->service().empty()) return ::grpc::Status(::grpc::NOT_FOUND, "unknown service");
  resp->set_status(Status());
  return ::grpc::Status::OK;
}

::grpc::Status HealthServiceImpl::Watch(::grpc::ServerContext* ctx,
                                        const ::grpc::health::v1::HealthCheckRequest* req,
                                        ::grpc::ServerWriter<HealthCheckResponse>* writer) {
  HealthCheckResponse resp;
  if (!req->service().empty()) {
    resp.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
    writer->Write(resp);
    return ::grpc::Status::OK;
  }
  {
    absl::MutexLock lock(&mu_);
    ++active_watches_;
  }
  bool first = true;
  HealthCheckResponse::ServingStatus last = HealthCheckResponse::UNKNOWN;
  while (!ctx->IsCancelled()) {
    HealthCheckResponse::ServingStatus now = Status();
    if (first || now != last) {
      resp.set_status(now);
      if (!writer->Write(resp)) break;
      first = false;
      last = now;
    }
    absl::MutexLock lock(&mu_);
    if (shutting_down_) {
      // Ends once the final NOT_SERVING went out.
      if (last == HealthCheckResponse::NOT_SERVING) break;
      continue;
    }
    // Wakes early on shutdown; otherwise polls Ready(), which has no change notification.
    mu_.AwaitWithTimeout(absl::Condition(&shutting_down_), poll_interval_);
  }
  absl::MutexLock lock(&mu_);
  --active_watches_;
  return ::grpc::Status::OK;
}

}  // namespace charon::server::grpc
