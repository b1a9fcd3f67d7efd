#include "server/http/remote_read_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "server/http/proto/remote.pb.h"
#include "snappy.h"

namespace charon::server::http {
namespace {

// Protobuf wire tags (field << 3 | wire type): 0 varint, 2 length-delimited.
constexpr uint8_t kTag1Len = 0x0A, kTag2Len = 0x12, kTag4Len = 0x22;
constexpr uint8_t kTag1Varint = 0x08, kTag2Varint = 0x10, kTag3Varint = 0x18;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Size of a length-delimited field with a one-byte tag and a body of `n` bytes.
size_t FieldSize(size_t n) { return 1 + VarintSize(n) + n; }

// Size of an int64 varint field (negative values take ten bytes, as in protobuf); 0 when omitted.
size_t Int64FieldSize(int64_t v) { return v == 0 ? 0 : 1 + VarintSize(static_cast<uint64_t>(v)); }

void PutInt64Field(uint8_t tag, int64_t v, std::string* out) {
  if (v == 0) return;  // proto3 default
  out->push_back(static_cast<char>(tag));
  PutVarint(static_cast<uint64_t>(v), out);
}

void PutBytesField(uint8_t tag, std::string_view b, std::string* out) {
  out->push_back(static_cast<char>(tag));
  PutVarint(b.size(), out);
  out->append(b);
}

size_t LabelSize(const tsdb::Label& l) {
  return (l.name.empty() ? 0 : FieldSize(l.name.size())) +
         (l.value.empty() ? 0 : FieldSize(l.value.size()));
}

size_t ChunkSize(const FrameChunk& c) {
  return Int64FieldSize(c.min_time_ms) + Int64FieldSize(c.max_time_ms) +
         Int64FieldSize(c.encoding) + (c.data.empty() ? 0 : FieldSize(c.data.size()));
}

void PutChunk(const FrameChunk& c, size_t size, std::string* out) {
  out->push_back(static_cast<char>(kTag2Len));
  PutVarint(size, out);
  PutInt64Field(kTag1Varint, c.min_time_ms, out);
  PutInt64Field(kTag2Varint, c.max_time_ms, out);
  PutInt64Field(kTag3Varint, c.encoding, out);
  if (!c.data.empty()) PutBytesField(kTag4Len, c.data, out);
}

// One frame of `labels` with chunks [begin, end).
void PutFrame(const tsdb::Labels& labels, size_t labels_size, std::span<const FrameChunk> chunks,
              int64_t query_index, std::string* out) {
  size_t series_size = labels_size;
  for (const FrameChunk& c : chunks) series_size += FieldSize(ChunkSize(c));
  const size_t msg_size = FieldSize(series_size) + Int64FieldSize(query_index);

  PutVarint(msg_size, out);
  const size_t crc_at = out->size();
  out->append(4, '\0');
  const size_t msg_at = out->size();
  out->push_back(static_cast<char>(kTag1Len));
  PutVarint(series_size, out);
  for (const tsdb::Label& l : labels) {
    out->push_back(static_cast<char>(kTag1Len));
    PutVarint(LabelSize(l), out);
    if (!l.name.empty()) PutBytesField(kTag1Len, l.name, out);
    if (!l.value.empty()) PutBytesField(kTag2Len, l.value, out);
  }
  for (const FrameChunk& c : chunks) PutChunk(c, ChunkSize(c), out);
  PutInt64Field(kTag2Varint, query_index, out);

  const uint32_t crc = base::Crc32c(std::string_view(*out).substr(msg_at));
  for (int i = 0; i < 4; ++i) (*out)[crc_at + i] = static_cast<char>(crc >> (24 - 8 * i));
}

absl::StatusOr<tsdb::MatchType> MatchTypeOf(prompb::LabelMatcher::Type t) {
  switch (t) {
    case prompb::LabelMatcher::EQ:
      return tsdb::MatchType::kEqual;
    case prompb::LabelMatcher::NEQ:
      return tsdb::MatchType::kNotEqual;
    case prompb::LabelMatcher::RE:
      return tsdb::MatchType::kRegexMatch;
    case prompb::LabelMatcher::NRE:
      return tsdb::MatchType::kRegexNoMatch;
    default:
      return absl::InvalidArgumentError(absl::StrCat("unknown matcher type ", static_cast<int>(t)));
  }
}

}  // namespace

absl::StatusOr<RemoteReadRequest> DecodeReadRequest(std::string_view snappy_body,
                                                    cache::MatchersCache* matchers_cache) {
  size_t decoded_len = 0;
  if (!snappy::GetUncompressedLength(snappy_body.data(), snappy_body.size(), &decoded_len)) {
    return absl::InvalidArgumentError("request body is not snappy-compressed");
  }
  // Prometheus' decodeReadLimit, applied to the decoded size as well.
  constexpr size_t kDecodeLimit = 32 << 20;
  if (snappy_body.size() > kDecodeLimit || decoded_len > kDecodeLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body is over the remote-read limit of ", kDecodeLimit, " bytes"));
  }
  std::string raw;
  if (!snappy::Uncompress(snappy_body.data(), snappy_body.size(), &raw)) {
    return absl::InvalidArgumentError("request body is not snappy-compressed (corrupt data)");
  }
  prompb::ReadRequest pb;
  if (!pb.ParseFromString(raw)) {
    return absl::InvalidArgumentError("request body is not a protobuf ReadRequest");
  }

  RemoteReadRequest req;
  bool chosen = pb.accepted_response_types_size() == 0;  // empty means SAMPLES
  for (int t : pb.accepted_response_types()) {
    if (t == prompb::ReadRequest::SAMPLES || t == prompb::ReadRequest::STREAMED_XOR_CHUNKS) {
      req.response_type = static_cast<ReadResponseType>(t);
      chosen = true;
      break;
    }
  }
  if (!chosen) {
    return absl::InvalidArgumentError(
        "none of the accepted response types is supported (SAMPLES, STREAMED_XOR_CHUNKS)");
  }
  if (pb.queries_size() == 0) return absl::InvalidArgumentError("request has no queries");
  for (int i = 0; i < pb.queries_size(); ++i) {
    const prompb::Query& q = pb.queries(i);
    if (q.matchers_size() == 0) {
      return absl::InvalidArgumentError(absl::StrCat("query ", i, " has no matchers"));
    }
    if (q.start_timestamp_ms() > q.end_timestamp_ms()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query ", i, ": start ", q.start_timestamp_ms(), " is after end ", q.end_timestamp_ms()));
    }
    RemoteReadQuery out{q.start_timestamp_ms(), q.end_timestamp_ms(), {}};
    for (const prompb::LabelMatcher& m : q.matchers()) {
      absl::StatusOr<tsdb::MatchType> type = MatchTypeOf(m.type());
      if (!type.ok()) return type.status();
      absl::StatusOr<tsdb::Matcher> matcher =
          matchers_cache != nullptr ? matchers_cache->GetOrCreate(*type, m.name(), m.value())
                                    : tsdb::Matcher::Create(*type, m.name(), m.value());
      if (!matcher.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("query ", i, ": ", matcher.status().message()));
      }
      out.matchers.push_back(*std::move(matcher));
    }
    req.queries.push_back(std::move(out));
  }
  return req;
}

void AppendSeriesFrames(const tsdb::Labels& labels, std::span<const FrameChunk> chunks,
                        int64_t query_index, int64_t max_bytes_in_frame, std::string* out) {
  size_t labels_size = 0;
  for (const tsdb::Label& l : labels) labels_size += FieldSize(LabelSize(l));
  if (chunks.empty()) {
    PutFrame(labels, labels_size, chunks, query_index, out);
    return;
  }
  const size_t limit = max_bytes_in_frame > 0 ? static_cast<size_t>(max_bytes_in_frame) : 0;
  size_t begin = 0;
  size_t bytes = labels_size;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const size_t c = FieldSize(ChunkSize(chunks[i]));
    if (i > begin && bytes + c > limit) {
      PutFrame(labels, labels_size, chunks.subspan(begin, i - begin), query_index, out);
      begin = i;
      bytes = labels_size;
    }
    bytes += c;
  }
  PutFrame(labels, labels_size, chunks.subspan(begin), query_index, out);
}

void AppendFrame(std::string_view msg, std::string* out) {
  PutVarint(msg.size(), out);
  const uint32_t crc = base::Crc32c(msg);
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(crc >> (24 - 8 * i)));
  out->append(msg);
}

}  // namespace charon::server::http
