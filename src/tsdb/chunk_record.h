// Chunk segment files (chunks/000001, ...) and the chunk records inside them.
//
//   segment header: magic 0x85BD40DD (u32 BE) | version 1 | 3 zero bytes; first record at offset 8
//   record: len uvarint (data length) | encoding byte | data (len bytes) | crc32c (u32 BE) over
//           encoding byte + data
//
// A chunk ref is (segment index << 32) | offset; the segment index is 0-based into the sorted list
// of segment files ("000001" is index 0).
#ifndef CHARON_TSDB_CHUNK_RECORD_H_
#define CHARON_TSDB_CHUNK_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::tsdb {

inline constexpr uint32_t kChunkSegmentMagic = 0x85BD40DD;
inline constexpr size_t kChunkSegmentHeaderLen = 8;

// TSDB encoding bytes.
enum class ChunkEncoding : uint8_t {
  kXor = 1,
  kHistogram = 2,
  kFloatHistogram = 3,
  kXor2 = 4,
  kHistogramSt = 5,
  kFloatHistogramSt = 6,
  kThanosAggr = 0xFF,
};

struct ChunkRecord {
  uint8_t encoding = 0;
  std::string_view data;  // a view into the decoded buffer
  size_t total_size = 0;  // len uvarint + 1 + data + 4
};

inline uint32_t ChunkRefSegment(uint64_t ref) { return static_cast<uint32_t>(ref >> 32); }
inline uint32_t ChunkRefOffset(uint64_t ref) { return static_cast<uint32_t>(ref); }
// "000001" for segment index 0.
std::string ChunkSegmentName(uint32_t segment_index);

// DataLoss unless `first8` is a valid segment header.
absl::Status CheckChunkSegmentHeader(std::string_view first8);

// Total record size reading only the len uvarint; OutOfRange if `b` ends inside it, DataLoss if
// malformed.
absl::StatusOr<size_t> ChunkRecordSize(std::string_view b);

// Decodes the record starting at `b`. OutOfRange if `b` is shorter than the record; DataLoss on a
// malformed length or (with verify_crc) a CRC mismatch.
absl::StatusOr<ChunkRecord> DecodeChunkRecord(std::string_view b, bool verify_crc);

// Number of samples in chunk data of the given encoding (bytes 0-1; masked for the ST histogram
// encodings). 0 if `data` is too short.
uint32_t ChunkNumSamples(uint8_t encoding, std::string_view data);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_CHUNK_RECORD_H_
