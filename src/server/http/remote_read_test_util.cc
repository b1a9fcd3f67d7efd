#include "server/http/remote_read_test_util.h"

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "snappy.h"

namespace charon::server::http {

std::string EncodeRequest(const prompb::ReadRequest& req) {
  const std::string raw = req.SerializeAsString();
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

prompb::ReadRequest MakeRequest(
    int64_t start, int64_t end,
    const std::vector<std::tuple<prompb::LabelMatcher::Type, std::string, std::string>>& matchers,
    std::vector<prompb::ReadRequest::ResponseType> accepted) {
  prompb::ReadRequest req;
  prompb::Query* q = req.add_queries();
  q->set_start_timestamp_ms(start);
  q->set_end_timestamp_ms(end);
  for (const auto& [type, name, value] : matchers) {
    prompb::LabelMatcher* m = q->add_matchers();
    m->set_type(type);
    m->set_name(name);
    m->set_value(value);
  }
  for (auto t : accepted) req.add_accepted_response_types(t);
  return req;
}

absl::StatusOr<std::vector<ParsedFrame>> ParseFrames(std::string_view body) {
  std::vector<ParsedFrame> frames;
  size_t pos = 0;
  while (pos < body.size()) {
    uint64_t len = 0;
    int shift = 0;
    while (true) {
      if (pos >= body.size() || shift > 63) return absl::DataLossError("truncated frame length");
      const uint8_t b = static_cast<uint8_t>(body[pos++]);
      len |= static_cast<uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (body.size() - pos < 4 + len) return absl::DataLossError("truncated frame");
    uint32_t crc = 0;
    for (int i = 0; i < 4; ++i) crc = crc << 8 | static_cast<uint8_t>(body[pos + i]);
    pos += 4;
    std::string_view msg = body.substr(pos, len);
    pos += len;
    if (base::Crc32c(msg) != crc) {
      return absl::DataLossError(absl::StrCat("bad CRC in frame ", frames.size()));
    }
    ParsedFrame f;
    f.size = msg.size();
    if (!f.msg.ParseFromArray(msg.data(), static_cast<int>(msg.size()))) {
      return absl::DataLossError(absl::StrCat("frame ", frames.size(), " is not a message"));
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace charon::server::http
