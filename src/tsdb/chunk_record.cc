#include "tsdb/chunk_record.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/crc32c.h"
#include "base/decbuf.h"

namespace charon::tsdb {
namespace {

// Prometheus reads the record length with at most binary.MaxVarintLen32 bytes.
constexpr size_t kMaxLenBytes = 5;

absl::Status ReadRecordLen(std::string_view b, uint64_t* len, size_t* n) {
  *n = base::ReadUvarint(b.substr(0, std::min(b.size(), kMaxLenBytes)), len);
  if (*n > 0) return absl::OkStatus();
  if (b.size() < kMaxLenBytes) {
    bool all_continue = true;
    for (char c : b) all_continue &= (static_cast<unsigned char>(c) & 0x80) != 0;
    if (all_continue) return absl::OutOfRangeError("chunk record: truncated length");
  }
  return absl::DataLossError("chunk record: malformed length");
}

}  // namespace

std::string ChunkSegmentName(uint32_t segment_index) {
  return absl::StrFormat("%06d", uint64_t{segment_index} + 1);
}

absl::Status CheckChunkSegmentHeader(std::string_view first8) {
  if (first8.size() < kChunkSegmentHeaderLen) {
    return absl::DataLossError("chunk segment: shorter than its 8-byte header");
  }
  uint32_t magic = base::LoadBe32(first8.data());
  if (magic != kChunkSegmentMagic) {
    return absl::DataLossError(absl::StrCat("chunk segment: bad magic 0x", absl::Hex(magic)));
  }
  if (first8[4] != 1) {
    return absl::DataLossError(
        absl::StrCat("chunk segment: unknown version ", static_cast<unsigned char>(first8[4])));
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> ChunkRecordSize(std::string_view b) {
  uint64_t len = 0;
  size_t n = 0;
  if (absl::Status s = ReadRecordLen(b, &len, &n); !s.ok()) return s;
  return n + 1 + len + 4;
}

absl::StatusOr<ChunkRecord> DecodeChunkRecord(std::string_view b, bool verify_crc) {
  uint64_t len = 0;
  size_t n = 0;
  if (absl::Status s = ReadRecordLen(b, &len, &n); !s.ok()) return s;
  if (b.size() - n < len + 5) {
    return absl::OutOfRangeError(
        absl::StrCat("chunk record: ", len + 5, " bytes needed, ", b.size() - n, " available"));
  }
  std::string_view enc_and_data = b.substr(n, 1 + len);
  if (verify_crc && base::Crc32c(enc_and_data) != base::LoadBe32(b.data() + n + 1 + len)) {
    return absl::DataLossError("chunk record: checksum mismatch");
  }
  ChunkRecord rec;
  rec.encoding = static_cast<unsigned char>(enc_and_data[0]);
  rec.data = enc_and_data.substr(1);
  rec.total_size = n + 1 + len + 4;
  return rec;
}

uint32_t ChunkNumSamples(uint8_t encoding, std::string_view data) {
  switch (static_cast<ChunkEncoding>(encoding)) {
    case ChunkEncoding::kXor:
    case ChunkEncoding::kHistogram:
    case ChunkEncoding::kFloatHistogram:
    case ChunkEncoding::kXor2:
      if (data.size() < 2) return 0;
      return (uint32_t{static_cast<unsigned char>(data[0])} << 8) |
             static_cast<unsigned char>(data[1]);
    case ChunkEncoding::kHistogramSt:
    case ChunkEncoding::kFloatHistogramSt:
      if (data.size() < 2) return 0;
      return ((uint32_t{static_cast<unsigned char>(data[0])} << 8) |
              static_cast<unsigned char>(data[1])) &
             0x3FFF;
    case ChunkEncoding::kThanosAggr: {
      // Five sub-chunks (count, sum, min, max, counter), each `uvarint len | [encoding | data]`;
      // every present aggregate has one sample per downsampled point, so the first one counts.
      base::Decbuf d(data);
      for (int i = 0; i < 5 && d.ok(); ++i) {
        uint64_t len = d.Uvarint();
        if (!d.ok() || len == 0) continue;
        uint8_t sub_encoding = d.Byte();
        std::string_view sub = d.Bytes(len);
        if (!d.ok() || sub_encoding == encoding) return 0;
        return ChunkNumSamples(sub_encoding, sub);
      }
      return 0;
    }
  }
  return 0;
}

}  // namespace charon::tsdb
