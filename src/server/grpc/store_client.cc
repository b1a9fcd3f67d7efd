#include "server/grpc/store_client.h"

#include <chrono>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "server/grpc/conversions.h"

namespace charon::server::grpc {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read \"", path, "\""));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<StoreClient>> StoreClient::Connect(StoreClientOptions options) {
  std::shared_ptr<::grpc::ChannelCredentials> creds = ::grpc::InsecureChannelCredentials();
  ::grpc::ChannelArguments args;
  // Series answers can be large; Thanos' querier accepts up to math.MaxInt32 too.
  args.SetMaxReceiveMessageSize(std::numeric_limits<int32_t>::max());
  if (options.tls) {
    ::grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca_file.empty()) {
      CHARON_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options.tls_ca_file));
    }
    if (!options.tls_cert_file.empty()) {
      CHARON_ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFile(options.tls_cert_file));
      CHARON_ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFile(options.tls_key_file));
    }
    creds = ::grpc::SslCredentials(ssl);
    if (!options.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls_server_name);
    }
  }
  auto channel = ::grpc::CreateCustomChannel(options.address, creds, args);
  return std::unique_ptr<StoreClient>(new StoreClient(std::move(options), std::move(channel)));
}

StoreClient::StoreClient(StoreClientOptions options, std::shared_ptr<::grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      store_(thanos::Store::NewStub(channel_)),
      info_(thanos::info::Info::NewStub(channel_)),
      health_(::grpc::health::v1::Health::NewStub(channel_)) {}

void StoreClient::Prepare(::grpc::ClientContext* ctx) const {
  if (options_.timeout != absl::InfiniteDuration()) {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(options_.timeout));
  }
  if (!options_.tenant.empty()) ctx->AddMetadata("thanos-tenant", options_.tenant);
}

absl::StatusOr<thanos::info::InfoResponse> StoreClient::Info() {
  ::grpc::ClientContext ctx;
  Prepare(&ctx);
  thanos::info::InfoResponse resp;
  CHARON_RETURN_IF_ERROR(FromGrpcStatus(info_->Info(&ctx, thanos::info::InfoRequest(), &resp)));
  return resp;
}

absl::StatusOr<thanos::InfoResponse> StoreClient::LegacyInfo() {
  ::grpc::ClientContext ctx;
  Prepare(&ctx);
  thanos::InfoResponse resp;
  CHARON_RETURN_IF_ERROR(FromGrpcStatus(store_->Info(&ctx, thanos::InfoRequest(), &resp)));
  return resp;
}

absl::StatusOr<SeriesCallResult> StoreClient::Series(const thanos::SeriesRequest& req) {
  ::grpc::ClientContext ctx;
  Prepare(&ctx);
  std::unique_ptr<::grpc::ClientReader<thanos::SeriesResponse>> reader = store_->Series(&ctx, req);
  SeriesCallResult out;
  thanos::SeriesResponse frame;
  absl::Status bad_frame;
  while (reader->Read(&frame)) {
    out.frames.push_back(frame.result_case());
    switch (frame.result_case()) {
      case thanos::SeriesResponse::kSeries:
        ++out.series_frames;
        out.series.push_back(std::move(*frame.mutable_series()));
        break;
      case thanos::SeriesResponse::kBatch:
        ++out.batch_frames;
        for (thanos::Series& s : *frame.mutable_batch()->mutable_series()) {
          out.series.push_back(std::move(s));
        }
        break;
      case thanos::SeriesResponse::kWarning:
        ++out.warning_frames;
        out.warnings.push_back(frame.warning());
        break;
      case thanos::SeriesResponse::kHints: {
        ++out.hints_frames;
        hintspb::SeriesResponseHints hints;
        if (!frame.hints().UnpackTo(&hints) && bad_frame.ok()) {
          bad_frame = absl::InvalidArgumentError(
              absl::StrCat("hints frame of type \"", frame.hints().type_url(), "\""));
        }
        out.hints = std::move(hints);
        break;
      }
      case thanos::SeriesResponse::RESULT_NOT_SET:
        break;
    }
  }
  CHARON_RETURN_IF_ERROR(FromGrpcStatus(reader->Finish()));
  CHARON_RETURN_IF_ERROR(bad_frame);
  return out;
}

absl::StatusOr<thanos::LabelNamesResponse> StoreClient::LabelNames(
    const thanos::LabelNamesRequest& req) {
  ::grpc::ClientContext ctx;
  Prepare(&ctx);
  thanos::LabelNamesResponse resp;
  CHARON_RETURN_IF_ERROR(FromGrpcStatus(store_->LabelNames(&ctx, req, &resp)));
  return resp;
}

absl::StatusOr<thanos::LabelValuesResponse> StoreClient::LabelValues(
    const thanos::LabelValuesRequest& req) {
  ::grpc::ClientContext ctx;
  Prepare(&ctx);
  thanos::LabelValuesResponse resp;
  CHARON_RETURN_IF_ERROR(FromGrpcStatus(store_->LabelValues(&ctx, req, &resp)));
  return resp;
}

absl::StatusOr<::grpc::health::v1::HealthCheckResponse::ServingStatus> StoreClient::Health(
    const std::string& service) {
  ::grpc::ClientContext ctx;
  Prepare(&ctx);
  ::grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  ::grpc::health::v1::HealthCheckResponse resp;
  CHARON_RETURN_IF_ERROR(FromGrpcStatus(health_->Check(&ctx, req, &resp)));
  return resp.status();
}

}  // namespace charon::server::grpc
