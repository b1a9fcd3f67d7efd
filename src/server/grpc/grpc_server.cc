#include "server/grpc/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "server/grpc/health_service.h"
#include "server/grpc/info_service.h"
#include "server/grpc/server_metrics.h"
#include "server/grpc/store_service.h"
#include "server/grpc/tls_server_credentials.h"

namespace charon::server::grpc {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("gRPC server: cannot read ", base::Absl(what), " \"", path, "\""));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::shared_ptr<::grpc::ServerCredentials>> Credentials(const GrpcServerOptions& o) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) {
    if (!o.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "gRPC server: a client CA needs a server certificate and key");
    }
    return ::grpc::InsecureServerCredentials();
  }
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("gRPC server: TLS needs both a certificate and a key");
  }
  TlsServerSettings tls;
  CHARON_ASSIGN_OR_RETURN(tls.cert_pem, ReadFile(o.tls_cert_file, "TLS certificate"));
  CHARON_ASSIGN_OR_RETURN(tls.key_pem, ReadFile(o.tls_key_file, "TLS key"));
  if (!o.tls_client_ca_file.empty()) {
    CHARON_ASSIGN_OR_RETURN(tls.client_ca_pem, ReadFile(o.tls_client_ca_file, "TLS client CA"));
  }
  tls.min_version = o.tls_min_version;
  tls.cipher_suites = o.tls_cipher_suites;
  tls.curves = o.tls_curves;
  CHARON_ASSIGN_OR_RETURN(TlsServerCredentials creds, NewTlsServerCredentials(tls));
  for (const std::string& note : creds.notes) base::LogInfo("gRPC server TLS", {{"note", note}});
  return creds.credentials;
}

int ToMillisArg(absl::Duration d) {
  int64_t ms = absl::ToInt64Milliseconds(d);
  return static_cast<int>(std::min<int64_t>(ms, std::numeric_limits<int32_t>::max()));
}

struct MethodDesc {
  const char* name;
  std::string_view type;
};

constexpr MethodDesc kMethods[] = {
    {"/thanos.Store/Info", kUnary},
    {"/thanos.Store/Series", kServerStream},
    {"/thanos.Store/LabelNames", kUnary},
    {"/thanos.Store/LabelValues", kUnary},
    {"/thanos.info.Info/Info", kUnary},
    {"/grpc.health.v1.Health/Check", kUnary},
    {"/grpc.health.v1.Health/Watch", kServerStream},
};

}  // namespace

GrpcServer::GrpcServer(store::StoreApi& store, GrpcServerOptions options)
    : store_(store), options_(std::move(options)) {}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

absl::Status GrpcServer::Start() {
  if (server_ != nullptr) return absl::FailedPreconditionError("gRPC server already started");
  CHARON_ASSIGN_OR_RETURN(std::shared_ptr<::grpc::ServerCredentials> creds, Credentials(options_));

  if (options_.enable_reflection) {
    // Registers a builder plugin process-wide; doing it twice would register the service twice.
    static std::once_flag reflection_once;
    std::call_once(reflection_once,
                   [] { ::grpc::reflection::InitProtoReflectionServerBuilderPlugin(); });
  }
  if (options_.registry != nullptr && metrics_ == nullptr) {
    metrics_ = std::make_unique<ServerMetrics>(*options_.registry);
    for (const MethodDesc& m : kMethods) metrics_->InitializeMethod(m.name, m.type);
    if (options_.enable_reflection) {
      metrics_->InitializeMethod("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                 kBidiStream);
    }
  }
  store_service_ = std::make_unique<StoreServiceImpl>(
      store_, metrics_.get(), options_.advertise_compatibility_label, options_.matchers_cache);
  info_service_ = std::make_unique<InfoServiceImpl>(store_, options_.advertise_compatibility_label);
  health_service_ = std::make_unique<HealthServiceImpl>(store_, options_.health_poll_interval);

  ::grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(options_.address, creds, &selected_port);
  builder.RegisterService(store_service_.get());
  builder.RegisterService(info_service_.get());
  builder.RegisterService(health_service_.get());
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_size);
  builder.SetMaxSendMessageSize(options_.max_send_message_size);
  // gRPC sets SO_REUSEPORT by default, which would let a second process share our port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             ToMillisArg(options_.keepalive_min_time));
  if (options_.max_connection_age > absl::ZeroDuration() &&
      options_.max_connection_age != absl::InfiniteDuration()) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               ToMillisArg(options_.max_connection_age));
  }
  if (metrics_ != nullptr) {
    std::vector<std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(metrics_->NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || selected_port == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("gRPC server: cannot listen on \"", options_.address,
                     "\" (address in use, not permitted, or not a host:port address)"));
  }
  port_ = selected_port;
  return absl::OkStatus();
}

void GrpcServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  grace = std::clamp(grace, absl::ZeroDuration(), absl::Hours(24 * 365));
  // Watchers learn of the shutdown while their streams can still carry it.
  health_service_->BeginShutdown(std::min(grace, absl::Seconds(5)));
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
  server_->Wait();
  server_.reset();
}

}  // namespace charon::server::grpc
