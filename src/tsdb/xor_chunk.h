// Gorilla-style XOR float chunks (encoding 1): a decoder and a small encoder.
//
//   num_samples u16 BE | bit stream, most significant bit first:
//   sample 0:  t0 varint (zigzag) | v0 64 raw bits
//   sample 1:  t1 - t0 uvarint | value code
//   sample n:  delta-of-delta code: '0' | '10'+14 bits | '110'+17 | '1110'+20 | '1111'+64 raw
//              | value code
//   value code: '0' same value | '10' + bits in the previous window |
//               '11' + leading (5 bits) + significant (6 bits, 0 means 64) + significant bits
//
// An n-bit delta-of-delta u is negative only when u > 2^(n-1) (then u - 2^n): the pattern
// 100..0 means +2^(n-1), unlike two's complement. Old writers may leave one unused zero byte at
// the end; the decoder stops after num_samples and ignores what follows.
//
// Neither class is thread-safe. The iterator views the data, which must outlive it.
#ifndef CHARON_TSDB_XOR_CHUNK_H_
#define CHARON_TSDB_XOR_CHUNK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::tsdb {

class XorIterator {
 public:
  // `data`: the chunk data (without the record's encoding byte), starting at num_samples.
  explicit XorIterator(std::string_view data);

  // Advances; false after num_samples samples or on error (then status() is DataLoss).
  bool Next();
  // Valid after Next() returned true.
  int64_t t() const { return t_; }
  double v() const;
  // The value's IEEE-754 bits: compare these, not doubles (NaN, stale markers).
  uint64_t v_bits() const { return v_bits_; }

  uint16_t NumSamples() const { return num_samples_; }
  const absl::Status& status() const { return status_; }

 private:
  bool ReadBit(uint64_t* bit);
  bool ReadBits(int n, uint64_t* out);
  bool ReadUvarint(uint64_t* out);
  bool ReadValue();
  bool Fail(std::string_view what);

  std::string_view data_;
  size_t bit_pos_ = 16;
  uint16_t num_samples_ = 0;
  uint16_t read_ = 0;
  int64_t t_ = 0;
  uint64_t t_delta_ = 0;
  uint64_t v_bits_ = 0;
  int leading_ = 0;
  int trailing_ = 0;
  absl::Status status_;
};

struct XorSample {
  int64_t t = 0;
  double v = 0;
};

// Every sample of an XOR chunk. DataLoss if the data ends early or is malformed.
absl::StatusOr<std::vector<XorSample>> DecodeXorChunk(std::string_view data);

// Writes XOR chunks byte for byte as the current Prometheus writer does (for tests and tools).
class XorEncoder {
 public:
  XorEncoder();
  // Appends a sample; timestamps should ascend. False (and nothing appended) once the chunk holds
  // 65535 samples.
  bool Append(int64_t t, double v);
  // The chunk data so far (num_samples included).
  const std::string& bytes() const { return buf_; }
  uint16_t NumSamples() const { return num_samples_; }

 private:
  void WriteBit(bool bit);
  void WriteBits(uint64_t v, int n);
  void WriteByte(uint8_t b);
  void WriteValue(uint64_t bits);

  std::string buf_;
  int free_bits_ = 0;  // unused low bits of the last byte
  uint16_t num_samples_ = 0;
  int64_t t_ = 0;
  int64_t t_delta_ = 0;
  uint64_t v_bits_ = 0;
  int leading_ = 0xFF;  // no window yet
  int trailing_ = 0;
};

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_XOR_CHUNK_H_
