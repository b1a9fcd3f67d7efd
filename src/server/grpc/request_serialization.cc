#include "server/grpc/request_serialization.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <string>
#include <string_view>

namespace charon::server::grpc {

::grpc::Status RequestSerialization::Serialize(const ::grpc::protobuf::MessageLite& msg,
                                               ::grpc::ByteBuffer* bb, bool* own_buffer) {
  return ::grpc::GenericSerialize<::grpc::ProtoBufferWriter, ::grpc::protobuf::MessageLite>(
      msg, bb, own_buffer);
}

::grpc::Status RequestSerialization::Deserialize(::grpc::ByteBuffer* buffer,
                                                 ::grpc::protobuf::MessageLite* msg) {
  ::grpc::Status s =
      ::grpc::GenericDeserialize<::grpc::ProtoBufferReader, ::grpc::protobuf::MessageLite>(buffer,
                                                                                           msg);
  if (s.ok() || s.error_code() != ::grpc::StatusCode::INTERNAL) return s;
  const std::string type = msg->GetTypeName();
  constexpr std::string_view kRequest = "Request";
  if (type.size() < kRequest.size() ||
      type.compare(type.size() - kRequest.size(), kRequest.size(), kRequest) != 0) {
    return s;
  }
  // The decoder says no more than "it failed": truncated input, a bad tag or wire type, a length
  // past the end, or a field of the wrong type.
  return ::grpc::Status(
      ::grpc::StatusCode::INVALID_ARGUMENT,
      "malformed " + type + ": the bytes are not a valid protobuf encoding of it");
}

}  // namespace charon::server::grpc
