// A small StoreAPI client over the generated stubs: the legacy and current Info calls, Series
// (collecting every frame), LabelNames, LabelValues and the health check. Used by `charon query`
// and the tests. Thread-safe (gRPC stubs are).
//
// Errors: the server's gRPC status, code for code (Unavailable when nothing listens);
// InvalidArgument for unreadable TLS files.
#ifndef CHARON_SERVER_GRPC_STORE_CLIENT_H_
#define CHARON_SERVER_GRPC_STORE_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/grpc/proto/health.grpc.pb.h"
#include "server/grpc/proto/hints.pb.h"
#include "server/grpc/proto/info.grpc.pb.h"
#include "server/grpc/proto/store_rpc.grpc.pb.h"
#include "server/grpc/request_serialization.h"

namespace charon::server::grpc {

struct StoreClientOptions {
  std::string address = "127.0.0.1:10901";    // host:port
  absl::Duration timeout = absl::Minutes(2);  // per call
  std::string tenant;                         // sent as thanos-tenant when not empty
  bool tls = false;
  std::string tls_ca_file;    // empty: system roots
  std::string tls_cert_file;  // client certificate, for servers that require one
  std::string tls_key_file;
  std::string tls_server_name;  // overrides the name checked in the server certificate
};

// Everything one Series call returned, frame by frame.
struct SeriesCallResult {
  std::vector<thanos::Series> series;  // from series and batch frames, in order
  std::vector<std::string> warnings;
  std::optional<hintspb::SeriesResponseHints> hints;
  std::vector<thanos::SeriesResponse::ResultCase> frames;  // kind of each frame, in order
  int series_frames = 0;
  int batch_frames = 0;
  int hints_frames = 0;
  int warning_frames = 0;
};

class StoreClient {
 public:
  // Creates the channel; connecting happens on the first call.
  static absl::StatusOr<std::unique_ptr<StoreClient>> Connect(StoreClientOptions options);

  absl::StatusOr<thanos::info::InfoResponse> Info();
  absl::StatusOr<thanos::InfoResponse> LegacyInfo();
  // InvalidArgument when a hints frame does not hold SeriesResponseHints.
  absl::StatusOr<SeriesCallResult> Series(const thanos::SeriesRequest& req);
  absl::StatusOr<thanos::LabelNamesResponse> LabelNames(const thanos::LabelNamesRequest& req);
  absl::StatusOr<thanos::LabelValuesResponse> LabelValues(const thanos::LabelValuesRequest& req);
  absl::StatusOr<::grpc::health::v1::HealthCheckResponse::ServingStatus> Health(
      const std::string& service = "");

 private:
  StoreClient(StoreClientOptions options, std::shared_ptr<::grpc::Channel> channel);
  void Prepare(::grpc::ClientContext* ctx) const;

  const StoreClientOptions options_;
  std::shared_ptr<::grpc::Channel> channel_;
  std::unique_ptr<thanos::Store::Stub> store_;
  std::unique_ptr<thanos::info::Info::Stub> info_;
  std::unique_ptr<::grpc::health::v1::Health::Stub> health_;
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_STORE_CLIENT_H_
