// Conversions between the StoreAPI protobuf messages and the protobuf-free structs of
// store/store_api.h, and between absl and gRPC statuses. Request conversions validate what the
// engine must not see: unknown enum values, bad regexes, min_time > max_time, hints of the wrong
// type. All of those are InvalidArgument. Pure functions, thread-safe.
#ifndef CHARON_SERVER_GRPC_CONVERSIONS_H_
#define CHARON_SERVER_GRPC_CONVERSIONS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cache/matchers_cache.h"
#include "server/grpc/proto/hints.pb.h"
#include "server/grpc/proto/store_rpc.pb.h"
#include "store/store_api.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"

namespace charon::server::grpc {

// Longest error text sent as grpc-message. Go's and C++'s gRPC drop trailers past their metadata
// limit (8-16 KiB) and the client then sees RESOURCE_EXHAUSTED or INTERNAL instead of the real
// code, so longer texts (a huge invalid regex quoted back) are cut.
inline constexpr size_t kMaxErrorMessageBytes = 4096;

// Codes are the same numbers on both sides; the message is kept, cut by TruncateErrorMessage.
::grpc::Status ToGrpcStatus(const absl::Status& s);
// `message` when it fits kMaxErrorMessageBytes, else its head (cut at a UTF-8 character
// boundary) and a note of the full length, kMaxErrorMessageBytes in all.
std::string TruncateErrorMessage(absl::string_view message);
absl::Status FromGrpcStatus(const ::grpc::Status& s);

// InvalidArgument for an unknown matcher type, a regex RE2 cannot compile, or a name or value that
// is not valid UTF-8; the text names the matcher (long names and values cut). Regex matchers come
// from `matchers_cache` when it is not null (--matcher-cache-size), else are compiled here.
absl::StatusOr<std::vector<tsdb::Matcher>> MatchersFromProto(
    const google::protobuf::RepeatedPtrField<thanos::LabelMatcher>& matchers,
    cache::MatchersCache* matchers_cache = nullptr);

// `tenant` comes from the thanos-tenant metadata ("" → default-tenant). InvalidArgument for bad
// matchers, min_time > max_time, unknown aggregates and hints that are not SeriesRequestHints.
// `matchers_cache` as for MatchersFromProto (request and hint matchers alike).
absl::StatusOr<store::SeriesRequest> SeriesRequestFromProto(
    const thanos::SeriesRequest& req, const std::string& tenant,
    cache::MatchersCache* matchers_cache = nullptr);
absl::StatusOr<store::LabelNamesRequest> LabelNamesRequestFromProto(
    const thanos::LabelNamesRequest& req, const std::string& tenant,
    cache::MatchersCache* matchers_cache = nullptr);
absl::StatusOr<store::LabelValuesRequest> LabelValuesRequestFromProto(
    const thanos::LabelValuesRequest& req, const std::string& tenant,
    cache::MatchersCache* matchers_cache = nullptr);

void LabelsToProto(const tsdb::Labels& labels,
                   google::protobuf::RepeatedPtrField<thanos::Label>* out);
tsdb::Labels LabelsFromProto(const google::protobuf::RepeatedPtrField<thanos::Label>& labels);
// Sets `out` to `series`, overwriting what it held in place: its label and chunk elements and
// their strings are reused, so a Series stream refills one frame instead of allocating per series.
// (Protobuf's Clear() would delete the chunk sub-messages and a oneof's message, so callers keep
// the frame and never Clear() it between series.)
void SeriesToProto(const store::SeriesOut& series, thanos::Series* out);

hintspb::SeriesResponseHints SeriesResponseHintsToProto(const store::SeriesResult& result,
                                                        bool with_query_stats);

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_CONVERSIONS_H_
