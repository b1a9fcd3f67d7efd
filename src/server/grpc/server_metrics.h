// Prometheus metrics of the gRPC server under the names go-grpc-middleware gives them in Thanos, so
// existing dashboards and alerts keep working:
//   grpc_server_started_total, grpc_server_handled_total{grpc_code},
//   grpc_server_handling_seconds, grpc_server_msg_received_total, grpc_server_msg_sent_total
// all labelled {grpc_service, grpc_method, grpc_type}; grpc_code uses Go's code names ("OK",
// "Canceled", "InvalidArgument", ...). Plus the Store server's thanos_store_server_series_requested
// and thanos_store_server_chunks_requested histograms, and the bucket store's
// thanos_bucket_store_sent_chunk_size_bytes (bytes of chunk data per sent series), observed here
// where series leave the process.
//
// Counting happens in a server interceptor, so every service (health, reflection) is covered.
// Thread-safe.
#ifndef CHARON_SERVER_GRPC_SERVER_METRICS_H_
#define CHARON_SERVER_GRPC_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace charon::server::grpc {

// grpc_type label values.
inline constexpr std::string_view kUnary = "unary";
inline constexpr std::string_view kServerStream = "server_stream";
inline constexpr std::string_view kClientStream = "client_stream";
inline constexpr std::string_view kBidiStream = "bidi_stream";

// Go's codes.Code.String() of a gRPC status code.
std::string_view GrpcCodeName(::grpc::StatusCode code);

class ServerMetrics {
 public:
  // Registers the metric families in `registry`, which must outlive this object.
  explicit ServerMetrics(prometheus::Registry& registry);

  // Creates the zero-valued series of one method (every code for handled_total), as Go's
  // InitializeMetrics does, so rates exist before the first call. `full_method` is
  // "/package.Service/Method".
  void InitializeMethod(std::string_view full_method, std::string_view type);

  // The interceptors it makes point into this object, which must outlive the server.
  std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // What the interceptor records for each call.
  void RecordStarted(std::string_view full_method, std::string_view type);
  void RecordMessageReceived(std::string_view full_method, std::string_view type);
  // grpc_server_msg_sent_total of one method, for callers that count many messages per call.
  prometheus::Counter& MessagesSent(std::string_view full_method, std::string_view type);
  void RecordHandled(std::string_view full_method, std::string_view type, ::grpc::StatusCode code,
                     double seconds);

  prometheus::Histogram& series_requested() { return *series_requested_; }
  prometheus::Histogram& chunks_requested() { return *chunks_requested_; }
  prometheus::Histogram& sent_chunk_size() { return *sent_chunk_size_; }
  // Thanos' bucket boundaries of thanos_bucket_store_sent_chunk_size_bytes.
  static const prometheus::Histogram::BucketBoundaries& SentChunkSizeBuckets();

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Counter>& msg_received_;
  prometheus::Family<prometheus::Counter>& msg_sent_;
  prometheus::Histogram* series_requested_;
  prometheus::Histogram* chunks_requested_;
  prometheus::Histogram* sent_chunk_size_;
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_SERVER_METRICS_H_
