// Test helpers for remote read: building snappy ReadRequests and splitting STREAMED_XOR_CHUNKS
// bodies into checked frames.
#ifndef CHARON_SERVER_HTTP_REMOTE_READ_TEST_UTIL_H_
#define CHARON_SERVER_HTTP_REMOTE_READ_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http/proto/remote.pb.h"

namespace charon::server::http {

// Snappy block encoding of `req`, as Prometheus sends it.
std::string EncodeRequest(const prompb::ReadRequest& req);

// A request with one query over [start, end] with `matchers` ({type, name, value}) and the given
// accepted types.
prompb::ReadRequest MakeRequest(
    int64_t start, int64_t end,
    const std::vector<std::tuple<prompb::LabelMatcher::Type, std::string, std::string>>& matchers,
    std::vector<prompb::ReadRequest::ResponseType> accepted);

struct ParsedFrame {
  size_t size = 0;  // bytes of the message
  prompb::ChunkedReadResponse msg;
};

// Every frame of a streamed body; DataLoss for a bad CRC, a truncated frame or a bad message.
absl::StatusOr<std::vector<ParsedFrame>> ParseFrames(std::string_view body);

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_REMOTE_READ_TEST_UTIL_H_
