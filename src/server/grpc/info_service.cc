#include "server/grpc/info_service.h"

#include "server/grpc/conversions.h"
#include "server/grpc/store_service.h"

namespace charon::server::grpc {

thanos::info::InfoResponse InfoResponseFromStoreInfo(const store::StoreInfo& info,
                                                     bool compat_label) {
  thanos::info::InfoResponse resp;
  for (const tsdb::Labels& set : AdvertisedLabelSets(info, compat_label)) {
    LabelsToProto(set, resp.add_label_sets()->mutable_labels());
  }
  resp.set_componenttype("store");
  thanos::info::StoreInfo* s = resp.mutable_store();
  s->set_min_time(info.min_time);
  s->set_max_time(info.max_time);
  s->set_supports_sharding(true);
  s->set_supports_without_replica_labels(true);
  for (const store::TsdbInfo& t : info.tsdb_infos) {
    thanos::info::TSDBInfo* pt = s->add_tsdb_infos();
    LabelsToProto(t.labels, pt->mutable_labels()->mutable_labels());
    pt->set_min_time(t.min_time);
    pt->set_max_time(t.max_time);
  }
  return resp;
}

::grpc::Status InfoServiceImpl::Info(::grpc::ServerContext* /*ctx*/,
                                     const thanos::info::InfoRequest* /*req*/,
                                     thanos::info::InfoResponse* resp) {
  *resp = InfoResponseFromStoreInfo(store_.Info(), advertise_compat_label_);
  return ::grpc::Status::OK;
}

}  // namespace charon::server::grpc
