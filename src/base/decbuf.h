// Decbuf: a bounds-checked reader over a byte view with a sticky error, after Prometheus'
// tsdb/encoding Decbuf. Every TSDB decoder reads through it, so malformed input can only ever set
// the error (DataLoss), never read past the view.
//
// Integers are big-endian unless named otherwise; Uvarint is Go's unsigned LEB128 and Varint its
// zigzag-signed form. After the first failure every getter returns 0/empty and err() stays set.
// Not thread-safe; the viewed bytes must outlive the Decbuf and any string_view it returned.
#ifndef CHARON_BASE_DECBUF_H_
#define CHARON_BASE_DECBUF_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace charon::base {

class Decbuf {
 public:
  Decbuf() = default;
  explicit Decbuf(std::string_view b) : b_(b) {}

  // Remaining bytes.
  size_t Len() const { return b_.size(); }
  std::string_view Rest() const { return b_; }
  const absl::Status& err() const { return err_; }
  bool ok() const { return err_.ok(); }

  uint8_t Byte();
  uint16_t Be16();
  uint32_t Be32();
  uint64_t Be64();
  uint64_t Uvarint();
  // Like Uvarint but fails if the value does not fit 32 bits.
  uint32_t Uvarint32();
  int64_t Varint();
  // uvarint length followed by that many bytes.
  std::string_view UvarintBytes();
  std::string_view Bytes(size_t n);
  void Skip(size_t n);

  // Sets the sticky error (keeps the first one).
  void Fail(std::string_view what);

 private:
  std::string_view b_;
  absl::Status err_;
};

// Go's binary.Uvarint on a view: returns bytes consumed (0 if truncated or overflowing).
size_t ReadUvarint(std::string_view b, uint64_t* v);

inline uint32_t LoadBe32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
inline uint64_t LoadBe64(const char* p) { return (uint64_t{LoadBe32(p)} << 32) | LoadBe32(p + 4); }

// Encoders (used by tests, the index-header writer and cache codecs).
void PutBe32(std::string* out, uint32_t v);
void PutBe64(std::string* out, uint64_t v);
void PutUvarint(std::string* out, uint64_t v);
void PutVarint(std::string* out, int64_t v);
void PutUvarintBytes(std::string* out, std::string_view s);

}  // namespace charon::base

#endif  // CHARON_BASE_DECBUF_H_
