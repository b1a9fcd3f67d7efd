#include "bench/chunked_frame_reader.h"

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"

namespace charon::bench {
namespace {

// Outcome of reading a uvarint at the front of `data`: its value and size, or "need more bytes".
enum class Varint { kOk, kShort, kBad };

Varint ReadUvarint(std::string_view data, uint64_t* value, size_t* size) {
  uint64_t v = 0;
  for (size_t i = 0; i < data.size() && i < 10; ++i) {
    const uint8_t b = static_cast<uint8_t>(data[i]);
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *value = v;
      *size = i + 1;
      return Varint::kOk;
    }
  }
  return data.size() < 10 ? Varint::kShort : Varint::kBad;
}

}  // namespace

absl::Status ChunkedFrameReader::Consume(std::string_view data, size_t* used) {
  size_t pos = 0;
  while (pos < data.size()) {
    uint64_t len = 0;
    size_t len_size = 0;
    Varint v = ReadUvarint(data.substr(pos), &len, &len_size);
    if (v == Varint::kShort) break;
    if (v == Varint::kBad || len > kMaxFrameBytes) {
      return absl::DataLossError(absl::StrCat("bad frame length at frame ", frames_));
    }
    const size_t total = len_size + 4 + len;
    if (data.size() - pos < total) break;
    const unsigned char* crc_bytes =
        reinterpret_cast<const unsigned char*>(data.data() + pos + len_size);
    const uint32_t want = static_cast<uint32_t>(crc_bytes[0]) << 24 |
                          static_cast<uint32_t>(crc_bytes[1]) << 16 |
                          static_cast<uint32_t>(crc_bytes[2]) << 8 | crc_bytes[3];
    std::string_view msg = data.substr(pos + len_size + 4, len);
    if (base::Crc32c(msg) != want) {
      return absl::DataLossError(absl::StrCat("corrupted frame ", frames_, " (CRC mismatch)"));
    }
    ++frames_;
    absl::Status s = on_frame_(msg);
    if (!s.ok()) return s;
    pos += total;
  }
  *used = pos;
  return absl::OkStatus();
}

absl::Status ChunkedFrameReader::Feed(std::string_view bytes) {
  if (!status_.ok()) return status_;
  size_t used = 0;
  if (pending_.empty()) {
    // The common case: parse straight from the caller's bytes, keep only the tail.
    status_ = Consume(bytes, &used);
    if (status_.ok()) pending_.assign(bytes.substr(used));
    return status_;
  }
  pending_.append(bytes);
  status_ = Consume(pending_, &used);
  if (status_.ok()) pending_.erase(0, used);
  return status_;
}

absl::Status ChunkedFrameReader::Finish() const {
  if (!status_.ok()) return status_;
  if (!pending_.empty()) {
    return absl::DataLossError(
        absl::StrCat("stream ended inside a frame (", pending_.size(), " bytes left)"));
  }
  return absl::OkStatus();
}

}  // namespace charon::bench
