#include "server/grpc/server_metrics.h"

#include <prometheus/histogram.h>

#include <chrono>
#include <map>
#include <utility>

namespace charon::server::grpc {
namespace {

// Thanos' handling-time buckets (its gRPC server and client use the same list).
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120, 240, 360, 720};
  return *kBuckets;
}

std::map<std::string, std::string> MethodLabels(std::string_view full_method,
                                                std::string_view type) {
  // "/thanos.Store/Series" → service "thanos.Store", method "Series".
  std::string_view m = full_method;
  if (!m.empty() && m.front() == '/') m.remove_prefix(1);
  size_t slash = m.find('/');
  std::string_view service = slash == std::string_view::npos ? "unknown" : m.substr(0, slash);
  std::string_view method = slash == std::string_view::npos ? m : m.substr(slash + 1);
  return {{"grpc_service", std::string(service)},
          {"grpc_method", std::string(method)},
          {"grpc_type", std::string(type)}};
}

std::string_view TypeName(::grpc::experimental::ServerRpcInfo::Type type) {
  using Type = ::grpc::experimental::ServerRpcInfo::Type;
  switch (type) {
    case Type::UNARY:
      return kUnary;
    case Type::SERVER_STREAMING:
      return kServerStream;
    case Type::CLIENT_STREAMING:
      return kClientStream;
    case Type::BIDI_STREAMING:
      return kBidiStream;
  }
  return kUnary;
}

class MetricsInterceptor : public ::grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(ServerMetrics* metrics, std::string method, std::string_view type)
      : metrics_(metrics),
        method_(std::move(method)),
        type_(type),
        start_(std::chrono::steady_clock::now()) {
    metrics_->RecordStarted(method_, type_);
  }

  void Intercept(::grpc::experimental::InterceptorBatchMethods* methods) override {
    using Hook = ::grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      metrics_->RecordMessageReceived(method_, type_);
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_MESSAGE)) {
      // Looked up once per call: a Series stream sends one message per series.
      if (sent_ == nullptr) sent_ = &metrics_->MessagesSent(method_, type_);
      sent_->Increment();
    }
    if (methods->QueryInterceptionHookPoint(Hook::PRE_SEND_STATUS)) {
      std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
      metrics_->RecordHandled(method_, type_, methods->GetSendStatus().error_code(),
                              elapsed.count());
    }
    methods->Proceed();
  }

 private:
  ServerMetrics* metrics_;
  std::string method_;
  std::string_view type_;
  std::chrono::steady_clock::time_point start_;
  prometheus::Counter* sent_ = nullptr;
};

class MetricsInterceptorFactory : public ::grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(ServerMetrics* metrics) : metrics_(metrics) {}

  ::grpc::experimental::Interceptor* CreateServerInterceptor(
      ::grpc::experimental::ServerRpcInfo* info) override {
    // Calls to unregistered methods get no interceptor, as in Go; gRPC takes ownership.
    if (info->method() == nullptr) return nullptr;
    return new MetricsInterceptor(metrics_, info->method(), TypeName(info->type()));
  }

 private:
  ServerMetrics* metrics_;
};

constexpr ::grpc::StatusCode kAllCodes[] = {::grpc::OK,
                                            ::grpc::CANCELLED,
                                            ::grpc::UNKNOWN,
                                            ::grpc::INVALID_ARGUMENT,
                                            ::grpc::DEADLINE_EXCEEDED,
                                            ::grpc::NOT_FOUND,
                                            ::grpc::ALREADY_EXISTS,
                                            ::grpc::PERMISSION_DENIED,
                                            ::grpc::RESOURCE_EXHAUSTED,
                                            ::grpc::FAILED_PRECONDITION,
                                            ::grpc::ABORTED,
                                            ::grpc::OUT_OF_RANGE,
                                            ::grpc::UNIMPLEMENTED,
                                            ::grpc::INTERNAL,
                                            ::grpc::UNAVAILABLE,
                                            ::grpc::DATA_LOSS,
                                            ::grpc::UNAUTHENTICATED};

}  // namespace

std::string_view GrpcCodeName(::grpc::StatusCode code) {
  switch (code) {
    case ::grpc::OK:
      return "OK";
    case ::grpc::CANCELLED:
      return "Canceled";
    case ::grpc::UNKNOWN:
      return "Unknown";
    case ::grpc::INVALID_ARGUMENT:
      return "InvalidArgument";
    case ::grpc::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case ::grpc::NOT_FOUND:
      return "NotFound";
    case ::grpc::ALREADY_EXISTS:
      return "AlreadyExists";
    case ::grpc::PERMISSION_DENIED:
      return "PermissionDenied";
    case ::grpc::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case ::grpc::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case ::grpc::ABORTED:
      return "Aborted";
    case ::grpc::OUT_OF_RANGE:
      return "OutOfRange";
    case ::grpc::UNIMPLEMENTED:
      return "Unimplemented";
    case ::grpc::INTERNAL:
      return "Internal";
    case ::grpc::UNAVAILABLE:
      return "Unavailable";
    case ::grpc::DATA_LOSS:
      return "DataLoss";
    case ::grpc::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

ServerMetrics::ServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success or "
                         "failure.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Histogram of response latency (seconds) of gRPC that had been "
                                  "application-level handled by the server.")
                            .Register(registry)),
      msg_received_(prometheus::BuildCounter()
                        .Name("grpc_server_msg_received_total")
                        .Help("Total number of RPC stream messages received on the server.")
                        .Register(registry)),
      msg_sent_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_sent_total")
                    .Help("Total number of gRPC stream messages sent by the server.")
                    .Register(registry)) {
  series_requested_ = &prometheus::BuildHistogram()
                           .Name("thanos_store_server_series_requested")
                           .Help("Number of requested series for Series calls")
                           .Register(registry)
                           .Add({}, prometheus::Histogram::BucketBoundaries{1, 10, 100, 1000, 10000,
                                                                            100000, 1000000});
  chunks_requested_ =
      &prometheus::BuildHistogram()
           .Name("thanos_store_server_chunks_requested")
           .Help("Number of requested chunks for Series calls")
           .Register(registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{1, 100, 1000, 10000, 100000, 10000000,
                                                            100000000, 1000000000});
  sent_chunk_size_ = &prometheus::BuildHistogram()
                          .Name("thanos_bucket_store_sent_chunk_size_bytes")
                          .Help(
                              "Size in bytes of the chunks for the single series, which is "
                              "adequate to the gRPC message size sent to querier.")
                          .Register(registry)
                          .Add({}, SentChunkSizeBuckets());
}

const prometheus::Histogram::BucketBoundaries& ServerMetrics::SentChunkSizeBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      32,         256,         512,      1024,      32 * 1024, 256 * 1024,
      512 * 1024, 1024 * 1024, 32 << 20, 256 << 20, 512 << 20};
  return *kBuckets;
}

void ServerMetrics::InitializeMethod(std::string_view full_method, std::string_view type) {
  auto labels = MethodLabels(full_method, type);
  started_.Add(labels);
  handling_seconds_.Add(labels, HandlingBuckets());
  msg_received_.Add(labels);
  msg_sent_.Add(labels);
  for (::grpc::StatusCode code : kAllCodes) {
    auto with_code = labels;
    with_code["grpc_code"] = std::string(GrpcCodeName(code));
    handled_.Add(with_code);
  }
}

std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>
ServerMetrics::NewInterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

void ServerMetrics::RecordStarted(std::string_view full_method, std::string_view type) {
  started_.Add(MethodLabels(full_method, type)).Increment();
}

void ServerMetrics::RecordMessageReceived(std::string_view full_method, std::string_view type) {
  msg_received_.Add(MethodLabels(full_method, type)).Increment();
}

prometheus::Counter& ServerMetrics::MessagesSent(std::string_view full_method,
                                                 std::string_view type) {
  return msg_sent_.Add(MethodLabels(full_method, type));
}

void ServerMetrics::RecordHandled(std::string_view full_method, std::string_view type,
                                  ::grpc::StatusCode code, double seconds) {
  auto labels = MethodLabels(full_method, type);
  handling_seconds_.Add(labels, HandlingBuckets()).Observe(seconds);
  labels["grpc_code"] = std::string(GrpcCodeName(code));
  handled_.Add(labels).Increment();
}

}  // namespace charon::server::grpc
