// grpc.health.v1.Health answering from StoreApi::Ready(): NOT_SERVING until the store's initial
// sync finished and again once shutdown began, SERVING in between. The overall status ("") is
// the only service name known; others are NotFound in Check and SERVICE_UNKNOWN in Watch, as in
// the reference implementation. Thread-safe; `store` must outlive the service.
#ifndef CHARON_SERVER_GRPC_HEALTH_SERVICE_H_
#define CHARON_SERVER_GRPC_HEALTH_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/grpc/proto/health.grpc.pb.h"
#include "server/grpc/request_serialization.h"
#include "store/store_api.h"

namespace charon::server::grpc {

class HealthServiceImpl final : public ::grpc::health::v1::Health::Service {
 public:
  // Watch streams look at Ready() every `poll_interval`.
  HealthServiceImpl(store::StoreApi& store, absl::Duration poll_interval)
      : store_(store), poll_interval_(poll_interval) {}

  ::grpc::Status Check(::grpc::ServerContext* ctx,
                       const ::grpc::health::v1::HealthCheckRequest* req,
                       ::grpc::health::v1::HealthCheckResponse* resp) override;
  ::grpc::Status Watch(
      ::grpc::ServerContext* ctx, const ::grpc::health::v1::HealthCheckRequest* req,
      ::grpc::ServerWriter<::grpc::health::v1::HealthCheckResponse>* writer) override;

  // From now on NOT_SERVING. Open Watch streams send that and end; waits up to `wait` for them,
  // so that they finish before the server stops accepting writes.
  void BeginShutdown(absl::Duration wait);

 private:
  ::grpc::health::v1::HealthCheckResponse::ServingStatus Status() const;

  store::StoreApi& store_;
  const absl::Duration poll_interval_;
  mutable absl::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  int active_watches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_HEALTH_SERVICE_H_
