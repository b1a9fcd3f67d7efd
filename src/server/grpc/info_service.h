// thanos.info.Info over a StoreApi: what queriers from v0.23 on ask first to learn a store's time
// range, label sets and capabilities. Thread-safe; `store` must outlive the service.
#ifndef CHARON_SERVER_GRPC_INFO_SERVICE_H_
#define CHARON_SERVER_GRPC_INFO_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "server/grpc/proto/info.grpc.pb.h"
#include "server/grpc/request_serialization.h"
#include "store/store_api.h"

namespace charon::server::grpc {

// The StoreInfo answer: ComponentType "store", label sets (plus the compatibility set when
// `compat_label`, see AdvertisedLabelSets), and StoreInfo with sharding and
// without_replica_labels support and the TSDB infos.
thanos::info::InfoResponse InfoResponseFromStoreInfo(const store::StoreInfo& info,
                                                     bool compat_label);

class InfoServiceImpl final : public thanos::info::Info::Service {
 public:
  InfoServiceImpl(store::StoreApi& store, bool advertise_compat_label)
      : store_(store), advertise_compat_label_(advertise_compat_label) {}

  ::grpc::Status Info(::grpc::ServerContext* ctx, const thanos::info::InfoRequest* req,
                      thanos::info::InfoResponse* resp) override;

 private:
  store::StoreApi& store_;
  bool advertise_compat_label_;
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_INFO_SERVICE_H_
