// thanos.Store over a StoreApi: converts requests (conversions.h), streams Series frames and
// answers the legacy Store/Info. Thread-safe; `store` and `metrics` must outlive the service.
//
// Series frames: one `series` frame per series, or `batch` frames of up to response_batch_size
// series when the request sets that field above 1 (queriers older than v0.41 drop unknown oneof
// fields, so they must never see a batch). When the request carries hints, one `hints` frame
// (SeriesResponseHints) follows the series. Errors end the call with the engine's status code.
#ifndef CHARON_SERVER_GRPC_STORE_SERVICE_H_
#define CHARON_SERVER_GRPC_STORE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "cache/matchers_cache.h"
#include "server/grpc/proto/store_rpc.grpc.pb.h"
#include "server/grpc/request_serialization.h"
#include "server/grpc/server_metrics.h"
#include "store/store_api.h"

namespace charon::server::grpc {

// The label set Thanos v0.23 stores advertised so that v0.7-era queriers recognised a store.
inline constexpr char kCompatibilityLabelName[] = "@thanos_compatibility_store_type";

// Label sets of `info`, plus {@thanos_compatibility_store_type="store"} when `compat_label` and
// at least one label set exists.
std::vector<tsdb::Labels> AdvertisedLabelSets(const store::StoreInfo& info, bool compat_label);

// The gRPC metadata key carrying the tenant (HTTP header THANOS-TENANT).
inline constexpr char kTenantMetadataKey[] = "thanos-tenant";
std::string TenantFromContext(const ::grpc::ServerContext& ctx);

class StoreServiceImpl final : public thanos::Store::Service {
 public:
  // `metrics` may be null (no thanos_store_server_* histograms); `matchers_cache` may be null
  // (regex matchers compiled per request), else it must outlive the service.
  StoreServiceImpl(store::StoreApi& store, ServerMetrics* metrics, bool advertise_compat_label,
                   cache::MatchersCache* matchers_cache = nullptr)
      : store_(store),
        metrics_(metrics),
        advertise_compat_label_(advertise_compat_label),
        matchers_cache_(matchers_cache) {}

  ::grpc::Status Info(::grpc::ServerContext* ctx, const thanos::InfoRequest* req,
                      thanos::InfoResponse* resp) override;
  ::grpc::Status Series(::grpc::ServerContext* ctx, const thanos::SeriesRequest* req,
                        ::grpc::ServerWriter<thanos::SeriesResponse>* writer) override;
  ::grpc::Status LabelNames(::grpc::ServerContext* ctx, const thanos::LabelNamesRequest* req,
                            thanos::LabelNamesResponse* resp) override;
  ::grpc::Status LabelValues(::grpc::ServerContext* ctx, const thanos::LabelValuesRequest* req,
                             thanos::LabelValuesResponse* resp) override;

 private:
  store::StoreApi& store_;
  ServerMetrics* metrics_;
  bool advertise_compat_label_;
  cache::MatchersCache* matchers_cache_;
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_STORE_SERVICE_H_
