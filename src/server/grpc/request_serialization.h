// How the requests Charon serves are decoded. gRPC's protobuf decoder answers bytes it cannot
// parse with INTERNAL and an empty message (the message's InitializationErrorString, always empty
// in proto3); a malformed request is the client's mistake, so these specializations answer
// InvalidArgument naming the message type instead, the same for every call. Encoding is gRPC's.
//
// Unary handlers decode through the traits of the base type (::grpc::protobuf::MessageLite), so
// that one is specialized too; it remaps only messages whose type name ends in "Request", which
// leaves the decoding of answers on the client side as gRPC has it.
//
// The generated service code is compiled with this header force-included (see CMakeLists.txt),
// so every instantiation of the handlers sees these specializations; code that includes the
// generated headers includes this one through the service headers.
#ifndef CHARON_SERVER_GRPC_REQUEST_SERIALIZATION_H_
#define CHARON_SERVER_GRPC_REQUEST_SERIALIZATION_H_

#include <grpcpp/impl/codegen/config_protobuf.h>
#include <grpcpp/impl/codegen/serialization_traits.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

namespace thanos {
class InfoRequest;
class LabelNamesRequest;
class LabelValuesRequest;
class SeriesRequest;
namespace info {
class InfoRequest;
}  // namespace info
}  // namespace thanos

namespace grpc {
namespace health::v1 {
class HealthCheckRequest;
}  // namespace health::v1
}  // namespace grpc

namespace charon::server::grpc {

class RequestSerialization {
 public:
  static ::grpc::Status Serialize(const ::grpc::protobuf::MessageLite& msg, ::grpc::ByteBuffer* bb,
                                  bool* own_buffer);
  // InvalidArgument "malformed <type>: ..." when the bytes of a request message do not parse;
  // other messages keep gRPC's status.
  static ::grpc::Status Deserialize(::grpc::ByteBuffer* buffer, ::grpc::protobuf::MessageLite* msg);
};

}  // namespace charon::server::grpc

namespace grpc {

template <>
class SerializationTraits<grpc::protobuf::MessageLite, void>
    : public charon::server::grpc::RequestSerialization {};
template <>
class SerializationTraits<thanos::SeriesRequest, void>
    : public charon::server::grpc::RequestSerialization {};
template <>
class SerializationTraits<thanos::LabelNamesRequest, void>
    : public charon::server::grpc::RequestSerialization {};
template <>
class SerializationTraits<thanos::LabelValuesRequest, void>
    : public charon::server::grpc::RequestSerialization {};
template <>
class SerializationTraits<thanos::InfoRequest, void>
    : public charon::server::grpc::RequestSerialization {};
template <>
class SerializationTraits<thanos::info::InfoRequest, void>
    : public charon::server::grpc::RequestSerialization {};
template <>
class SerializationTraits<grpc::health::v1::HealthCheckRequest, void>
    : public charon::server::grpc::RequestSerialization {};

}  // namespace grpc

#endif  // CHARON_SERVER_GRPC_REQUEST_SERIALIZATION_H_
