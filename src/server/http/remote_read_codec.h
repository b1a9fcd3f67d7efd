// Prometheus remote read on the wire: decoding a snappy-compressed ReadRequest into store queries,
// encoding the SAMPLES answer, and framing the STREAMED_XOR_CHUNKS answer.
//
//   SAMPLES:              snappy block(ReadResponse)
//   STREAMED_XOR_CHUNKS:  frame*, frame = uvarint(len(msg)) | CRC-32C(msg) u32 big-endian | msg
//                         msg = ChunkedReadResponse{chunked_series: [one series], query_index}
//
// Frames are encoded by hand (no protobuf objects on the hot path) so that chunk bytes are copied
// once, from the store's buffer into the output; the unit tests parse them with the generated
// classes. Everything here is pure and thread-compatible.
#ifndef CHARON_SERVER_HTTP_REMOTE_READ_CODEC_H_
#define CHARON_SERVER_HTTP_REMOTE_READ_CODEC_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cache/matchers_cache.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"

namespace charon::server::http {

// ReadRequest.ResponseType values.
enum class ReadResponseType { kSamples = 0, kStreamedXorChunks = 1 };

struct RemoteReadQuery {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<tsdb::Matcher> matchers;
};

struct RemoteReadRequest {
  std::vector<RemoteReadQuery> queries;
  // The first type the client accepts that Charon serves (both types, so the client's first).
  ReadResponseType response_type = ReadResponseType::kSamples;
};

// InvalidArgument, with the reason, for a body that is not snappy, not a ReadRequest, a query
// without matchers or with start > end, a bad regex, or no acceptable response type. Regex matchers
// come from `matchers_cache` when it is not null (--matcher-cache-size).
absl::StatusOr<RemoteReadRequest> DecodeReadRequest(std::string_view snappy_body,
                                                    cache::MatchersCache* matchers_cache = nullptr);

// One chunk of a streamed series: remote-read encoding (TSDB encoding byte: XOR=1, HISTOGRAM=2,
// FLOAT_HISTOGRAM=3) and the TSDB chunk data, passed through.
struct FrameChunk {
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;
  int32_t encoding = 0;
  std::string_view data;
};

// Appends the frames of one series to `out`: as many as needed so that no frame carries more than
// `max_bytes_in_frame` bytes of labels and chunks, except that a single chunk larger than that gets
// a frame of its own. Every frame repeats the labels. `chunks` must be sorted by min_time.
void AppendSeriesFrames(const tsdb::Labels& labels, std::span<const FrameChunk> chunks,
                        int64_t query_index, int64_t max_bytes_in_frame, std::string* out);

// Appends one frame holding `msg` (a serialized ChunkedReadResponse).
void AppendFrame(std::string_view msg, std::string* out);

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_REMOTE_READ_CODEC_H_
