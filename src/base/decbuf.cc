#include "base/decbuf.h"

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::base {

size_t ReadUvarint(std::string_view b, uint64_t* v) {
  uint64_t x = 0;
  unsigned shift = 0;
  for (size_t i = 0; i < b.size() && i < 10; ++i) {
    auto c = static_cast<unsigned char>(b[i]);
    if (c < 0x80) {
      if (i == 9 && c > 1) return 0;  // overflows 64 bits
      *v = x | (uint64_t{c} << shift);
      return i + 1;
    }
    x |= uint64_t{c & 0x7Fu} << shift;
    shift += 7;
  }
  return 0;
}

void Decbuf::Fail(std::string_view what) {
  if (err_.ok()) err_ = absl::DataLossError(Absl(what));
  b_ = {};
}

uint8_t Decbuf::Byte() {
  if (b_.size() < 1) {
    Fail("unexpected end of data reading byte");
    return 0;
  }
  uint8_t v = static_cast<unsigned char>(b_[0]);
  b_.remove_prefix(1);
  return v;
}

uint16_t Decbuf::Be16() {
  if (b_.size() < 2) {
    Fail("unexpected end of data reading u16");
    return 0;
  }
  auto* u = reinterpret_cast<const unsigned char*>(b_.data());
  uint16_t v = static_cast<uint16_t>((u[0] << 8) | u[1]);
  b_.remove_prefix(2);
  return v;
}

uint32_t Decbuf::Be32() {
  if (b_.size() < 4) {
    Fail("unexpected end of data reading u32");
    return 0;
  }
  uint32_t v = LoadBe32(b_.data());
  b_.remove_prefix(4);
  return v;
}

uint64_t Decbuf::Be64() {
  if (b_.size() < 8) {
    Fail("unexpected end of data reading u64");
    return 0;
  }
  uint64_t v = LoadBe64(b_.data());
  b_.remove_prefix(8);
  return v;
}

uint64_t Decbuf::Uvarint() {
  uint64_t v = 0;
  size_t n = ReadUvarint(b_, &v);
  if (n == 0) {
    Fail("invalid or truncated uvarint");
    return 0;
  }
  b_.remove_prefix(n);
  return v;
}

uint32_t Decbuf::Uvarint32() {
  uint64_t v = Uvarint();
  if (v > 0xFFFFFFFFu) {
    Fail("uvarint overflows 32 bits");
    return 0;
  }
  return static_cast<uint32_t>(v);
}

int64_t Decbuf::Varint() {
  uint64_t u = Uvarint();
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

std::string_view Decbuf::UvarintBytes() {
  uint64_t n = Uvarint();
  if (!err_.ok()) return {};
  return Bytes(n);
}

std::string_view Decbuf::Bytes(size_t n) {
  if (b_.size() < n) {
    Fail(absl::StrCat("unexpected end of data: want ", n, " bytes, have ", b_.size()));
    return {};
  }
  std::string_view v = b_.substr(0, n);
  b_.remove_prefix(n);
  return v;
}

void Decbuf::Skip(size_t n) {
  if (b_.size() < n) {
    Fail(absl::StrCat("unexpected end of data: skip ", n, " bytes, have ", b_.size()));
    return;
  }
  b_.remove_prefix(n);
}

void PutBe32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out->append(b, 4);
}

void PutBe64(std::string* out, uint64_t v) {
  PutBe32(out, static_cast<uint32_t>(v >> 32));
  PutBe32(out, static_cast<uint32_t>(v));
}

void PutUvarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutVarint(std::string* out, int64_t v) {
  PutUvarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutUvarintBytes(std::string* out, std::string_view s) {
  PutUvarint(out, s.size());
  out->append(s);
}

}  // namespace charon::base
