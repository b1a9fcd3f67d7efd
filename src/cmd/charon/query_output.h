// Output of `charon query`: numbers, times and chunks as text, label sets as text or JSON.
#ifndef CHARON_CMD_CHARON_QUERY_OUTPUT_H_
#define CHARON_CMD_CHARON_QUERY_OUTPUT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/grpc/proto/labels.pb.h"
#include "server/grpc/proto/store_rpc.pb.h"
#include "server/grpc/proto/store_types.pb.h"
#include "tsdb/xor_chunk.h"

namespace charon::cmd {

using Json = nlohmann::ordered_json;

// Shortest text that reads back as `v` (Go's strconv 'g' -1); NaN, +Inf, -Inf as Prometheus.
std::string FormatValue(double v);
// "ms (RFC 3339)", or -inf / +inf for the int64 extremes Thanos uses as open bounds.
std::string FormatTime(int64_t ms);
std::string_view EncodingName(thanos::Chunk::Encoding e);
// Pretty JSON; label bytes that are not UTF-8 are replaced rather than thrown on.
std::string Dump(const Json& j);
Json LabelsJson(const google::protobuf::RepeatedPtrField<thanos::Label>& labels);
Json LabelSetsJson(const google::protobuf::RepeatedPtrField<thanos::ZLabelSet>& sets);
void PrintLabelSets(const google::protobuf::RepeatedPtrField<thanos::ZLabelSet>& sets);

// The chunks of an AggrChunk that are set, with the aggregate each holds ("raw", "count", ...).
struct NamedChunk {
  std::string_view aggregate;
  const thanos::Chunk* chunk;
};
std::vector<NamedChunk> ChunksOf(const thanos::AggrChunk& c);

// Samples of an XOR chunk; Unimplemented for other encodings.
absl::StatusOr<std::vector<tsdb::XorSample>> Decode(const thanos::Chunk& c);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_QUERY_OUTPUT_H_
