#include "cache/postings_codec.h"

#include <snappy.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"
#include "base/strings.h"

namespace charon::cache {
namespace {

constexpr std::string_view kStreamed = "dss";
constexpr std::string_view kBlock = "dvs";
// Ten bytes: the literal holds NULs, so the length is given.
constexpr std::string_view kStreamIdentifier("\xff\x06\x00\x00sNaPpY", 10);
constexpr size_t kMaxChunk = 65536;
constexpr uint8_t kCompressed = 0x00;
constexpr uint8_t kUncompressed = 0x01;

uint32_t MaskedCrc(std::string_view data) {
  uint32_t c = base::Crc32c(data);
  return ((c >> 15) | (c << 17)) + 0xa282ead8;
}

void PutLe(std::string* out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t LoadLe(std::string_view b, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint32_t{static_cast<unsigned char>(b[i])} << (8 * i);
  return v;
}

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(absl::StrCat("cached postings: ", base::Absl(what)));
}

absl::StatusOr<std::vector<uint64_t>> DecodeDeltas(std::string_view b) {
  std::vector<uint64_t> refs;
  refs.reserve(b.size());
  uint64_t last = 0;
  while (!b.empty()) {
    uint64_t delta = 0;
    size_t n = base::ReadUvarint(b, &delta);
    if (n == 0) return Corrupt("truncated varint");
    b.remove_prefix(n);
    if (!refs.empty() && delta == 0) return Corrupt("refs not strictly ascending");
    last += delta;
    refs.push_back(last);
  }
  return refs;
}

absl::StatusOr<std::string> UnframeSnappy(std::string_view b) {
  if (!b.starts_with(kStreamIdentifier)) return Corrupt("no snappy stream identifier");
  std::string out;
  while (!b.empty()) {
    if (b.size() < 4) return Corrupt("truncated chunk header");
    auto type = static_cast<uint8_t>(b[0]);
    uint32_t len = LoadLe(b.substr(1), 3);
    b.remove_prefix(4);
    if (b.size() < len) return Corrupt("truncated chunk");
    std::string_view body = b.substr(0, len);
    b.remove_prefix(len);
    if (type == 0xff) {
      if (body != kStreamIdentifier.substr(4)) return Corrupt("bad snappy stream identifier");
      continue;
    }
    if (type >= 0x80) continue;  // padding / skippable
    if (type != kCompressed && type != kUncompressed) return Corrupt("unknown snappy chunk type");
    if (body.size() < 4) return Corrupt("chunk without checksum");
    uint32_t crc = LoadLe(body, 4);
    body.remove_prefix(4);
    size_t start = out.size();
    if (type == kCompressed) {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(body.data(), body.size(), &n) || n > kMaxChunk) {
        return Corrupt("bad snappy chunk");
      }
      out.resize(start + n);
      if (!snappy::RawUncompress(body.data(), body.size(), out.data() + start)) {
        return Corrupt("bad snappy chunk");
      }
    } else {
      out.append(body);
    }
    if (MaskedCrc(std::string_view(out).substr(start)) != crc) {
      return Corrupt("snappy chunk checksum mismatch");
    }
  }
  return out;
}

}  // namespace

std::string EncodePostings(std::span<const uint64_t> refs) {
  std::string raw;
  raw.reserve(refs.size() * 2);
  uint64_t last = 0;
  for (uint64_t r : refs) {
    base::PutUvarint(&raw, r - last);
    last = r;
  }
  std::string out(kStreamed);
  out.append(kStreamIdentifier);
  std::string compressed;
  for (size_t pos = 0; pos < raw.size(); pos += kMaxChunk) {
    std::string_view chunk = std::string_view(raw).substr(pos, kMaxChunk);
    snappy::Compress(chunk.data(), chunk.size(), &compressed);
    // As Go's snappy writer: keep the chunk uncompressed unless that saves at least 1/8.
    bool use_compressed = compressed.size() < chunk.size() - chunk.size() / 8;
    std::string_view body = use_compressed ? std::string_view(compressed) : chunk;
    out.push_back(static_cast<char>(use_compressed ? kCompressed : kUncompressed));
    PutLe(&out, static_cast<uint32_t>(body.size() + 4), 3);
    PutLe(&out, MaskedCrc(chunk), 4);
    out.append(body);
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> DecodePostings(std::string_view value) {
  if (value.starts_with(kStreamed)) {
    absl::StatusOr<std::string> raw = UnframeSnappy(value.substr(kStreamed.size()));
    if (!raw.ok()) return raw.status();
    return DecodeDeltas(*raw);
  }
  if (value.starts_with(kBlock)) {
    std::string raw;
    std::string_view body = value.substr(kBlock.size());
    if (!snappy::Uncompress(body.data(), body.size(), &raw)) return Corrupt("bad snappy block");
    return DecodeDeltas(raw);
  }
  return Corrupt("unknown codec (neither dss nor dvs)");
}

}  // namespace charon::cache
