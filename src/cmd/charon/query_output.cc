#include "cmd/charon/query_output.h"

#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/strings.h"
#include "server/grpc/conversions.h"
#include "tsdb/labels.h"

namespace charon::cmd {

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : absl::StrCat(v);
}

std::string FormatTime(int64_t ms) {
  if (ms == std::numeric_limits<int64_t>::min() || ms == std::numeric_limits<int64_t>::max()) {
    return ms < 0 ? "-inf" : "+inf";
  }
  return absl::StrCat(
      ms, " (", absl::FormatTime(absl::RFC3339_full, absl::FromUnixMillis(ms), absl::UTCTimeZone()),
      ")");
}

std::string_view EncodingName(thanos::Chunk::Encoding e) {
  switch (e) {
    case thanos::Chunk::XOR:
      return "XOR";
    case thanos::Chunk::HISTOGRAM:
      return "HISTOGRAM";
    case thanos::Chunk::FLOAT_HISTOGRAM:
      return "FLOAT_HISTOGRAM";
    default:
      return "UNKNOWN";
  }
}

std::string Dump(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

Json LabelsJson(const google::protobuf::RepeatedPtrField<thanos::Label>& labels) {
  Json out = Json::object();
  for (const thanos::Label& l : labels) out[l.name()] = l.value();
  return out;
}

std::vector<NamedChunk> ChunksOf(const thanos::AggrChunk& c) {
  std::vector<NamedChunk> out;
  if (c.has_raw()) out.push_back({"raw", &c.raw()});
  if (c.has_count()) out.push_back({"count", &c.count()});
  if (c.has_sum()) out.push_back({"sum", &c.sum()});
  if (c.has_min()) out.push_back({"min", &c.min()});
  if (c.has_max()) out.push_back({"max", &c.max()});
  if (c.has_counter()) out.push_back({"counter", &c.counter()});
  return out;
}

absl::StatusOr<std::vector<tsdb::XorSample>> Decode(const thanos::Chunk& c) {
  if (c.type() != thanos::Chunk::XOR) {
    return absl::UnimplementedError(
        absl::StrCat("decoding ", base::Absl(EncodingName(c.type())), " chunks"));
  }
  return tsdb::DecodeXorChunk(c.data());
}

Json LabelSetsJson(const google::protobuf::RepeatedPtrField<thanos::ZLabelSet>& sets) {
  Json out = Json::array();
  for (const thanos::ZLabelSet& s : sets) out.push_back(LabelsJson(s.labels()));
  return out;
}

void PrintLabelSets(const google::protobuf::RepeatedPtrField<thanos::ZLabelSet>& sets) {
  std::cout << "label sets:\n";
  for (const thanos::ZLabelSet& s : sets) {
    std::cout << "  " << tsdb::LabelsToString(server::grpc::LabelsFromProto(s.labels())) << "\n";
  }
}

}  // namespace charon::cmd
