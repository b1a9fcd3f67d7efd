#include "tsdb/xor_chunk.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::tsdb {

XorIterator::XorIterator(std::string_view data) : data_(data) {
  if (data.size() < 2) {
    status_ = absl::DataLossError("xor chunk: shorter than its 2-byte header");
    return;
  }
  num_samples_ = static_cast<uint16_t>((static_cast<unsigned char>(data[0]) << 8) |
                                       static_cast<unsigned char>(data[1]));
}

double XorIterator::v() const { return std::bit_cast<double>(v_bits_); }

bool XorIterator::Fail(std::string_view what) {
  if (status_.ok()) {
    status_ =
        absl::DataLossError(absl::StrCat("xor chunk: sample ", read_, ": ", base::Absl(what)));
  }
  return false;
}

bool XorIterator::ReadBit(uint64_t* bit) { return ReadBits(1, bit); }

bool XorIterator::ReadBits(int n, uint64_t* out) {
  if (data_.size() * 8 - bit_pos_ < static_cast<size_t>(n)) return Fail("unexpected end of data");
  uint64_t v = 0;
  // Takes whole bytes where aligned; chunks are small, so simplicity wins over speed here.
  while (n > 0) {
    auto byte = static_cast<unsigned char>(data_[bit_pos_ / 8]);
    int avail = 8 - static_cast<int>(bit_pos_ % 8);
    int take = n < avail ? n : avail;
    uint64_t bits = (byte >> (avail - take)) & ((1u << take) - 1);
    v = (v << take) | bits;
    bit_pos_ += static_cast<size_t>(take);
    n -= take;
  }
  *out = v;
  return true;
}

bool XorIterator::ReadUvarint(uint64_t* out) {
  uint64_t x = 0;
  for (int i = 0, shift = 0; i < 10; ++i, shift += 7) {
    uint64_t b = 0;
    if (!ReadBits(8, &b)) return false;
    if (b < 0x80) {
      if (i == 9 && b > 1) return Fail("varint overflows 64 bits");
      *out = x | (b << shift);
      return true;
    }
    x |= (b & 0x7F) << shift;
  }
  return Fail("varint overflows 64 bits");
}

bool XorIterator::ReadValue() {
  uint64_t bit = 0;
  if (!ReadBit(&bit)) return false;
  if (bit == 0) return true;  // same value
  if (!ReadBit(&bit)) return false;
  if (bit == 1) {
    uint64_t leading = 0, sig = 0;
    if (!ReadBits(5, &leading) || !ReadBits(6, &sig)) return false;
    if (sig == 0) sig = 64;
    if (leading + sig > 64) return Fail("value window exceeds 64 bits");
    leading_ = static_cast<int>(leading);
    trailing_ = static_cast<int>(64 - leading - sig);
  }
  int sig = 64 - leading_ - trailing_;
  uint64_t payload = 0;
  if (!ReadBits(sig, &payload)) return false;
  v_bits_ ^= payload << trailing_;  // trailing_ <= 63: at least one significant bit
  return true;
}

bool XorIterator::Next() {
  if (!status_.ok() || read_ >= num_samples_) return false;
  if (read_ == 0) {
    uint64_t zz = 0;
    if (!ReadUvarint(&zz)) return false;
    t_ = static_cast<int64_t>(zz >> 1) ^ -static_cast<int64_t>(zz & 1);
    if (!ReadBits(64, &v_bits_)) return false;
  } else if (read_ == 1) {
    if (!ReadUvarint(&t_delta_)) return false;
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
    if (!ReadValue()) return false;
  } else {
    int ones = 0;
    uint64_t bit = 0;
    while (ones < 4) {
      if (!ReadBit(&bit)) return false;
      if (bit == 0) break;
      ++ones;
    }
    static constexpr int kWidth[] = {0, 14, 17, 20, 64};
    int n = kWidth[ones];
    uint64_t dod = 0;
    if (n > 0) {
      if (!ReadBits(n, &dod)) return false;
      // Not sign extension: only values above 2^(n-1) are negative.
      if (n < 64 && dod > (uint64_t{1} << (n - 1))) dod -= uint64_t{1} << n;
    }
    // Wrapping arithmetic, as Go does, so corrupt deltas cannot overflow a signed type.
    t_delta_ += dod;
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
    if (!ReadValue()) return false;
  }
  ++read_;
  return true;
}

absl::StatusOr<std::vector<XorSample>> DecodeXorChunk(std::string_view data) {
  XorIterator it(data);
  std::vector<XorSample> out;
  out.reserve(it.NumSamples() < data.size() * 8 ? it.NumSamples() : data.size() * 8);
  while (it.Next()) out.push_back({it.t(), it.v()});
  if (!it.status().ok()) return it.status();
  return out;
}

XorEncoder::XorEncoder() : buf_(2, '\0') {}

void XorEncoder::WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }

void XorEncoder::WriteBits(uint64_t v, int n) {
  while (n > 0) {
    if (free_bits_ == 0) {
      buf_.push_back('\0');
      free_bits_ = 8;
    }
    int take = n < free_bits_ ? n : free_bits_;
    auto bits = static_cast<unsigned>((v >> (n - take)) & ((1u << take) - 1));
    buf_.back() =
        static_cast<char>(static_cast<unsigned char>(buf_.back()) | (bits << (free_bits_ - take)));
    free_bits_ -= take;
    n -= take;
  }
}

void XorEncoder::WriteByte(uint8_t b) { WriteBits(b, 8); }

void XorEncoder::WriteValue(uint64_t bits) {
  uint64_t delta = bits ^ v_bits_;
  if (delta == 0) {
    WriteBit(false);
    return;
  }
  WriteBit(true);
  int leading = std::countl_zero(delta);
  int trailing = std::countr_zero(delta);
  if (leading >= 32) leading = 31;  // must fit 5 bits
  if (leading_ != 0xFF && leading >= leading_ && trailing >= trailing_) {
    WriteBit(false);
    WriteBits(delta >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  leading_ = leading;
  trailing_ = trailing;
  WriteBit(true);
  WriteBits(static_cast<uint64_t>(leading), 5);
  int sig = 64 - leading - trailing;
  WriteBits(static_cast<uint64_t>(sig) & 0x3F, 6);  // 64 is written as 0
  WriteBits(delta >> trailing, sig);
}

bool XorEncoder::Append(int64_t t, double v) {
  if (num_samples_ == 0xFFFF) return false;
  uint64_t bits = std::bit_cast<uint64_t>(v);
  auto put_uvarint = [this](uint64_t u) {
    while (u >= 0x80) {
      WriteByte(static_cast<uint8_t>((u & 0x7F) | 0x80));
      u >>= 7;
    }
    WriteByte(static_cast<uint8_t>(u));
  };
  if (num_samples_ == 0) {
    put_uvarint((static_cast<uint64_t>(t) << 1) ^ static_cast<uint64_t>(t >> 63));
    WriteBits(bits, 64);
  } else if (num_samples_ == 1) {
    t_delta_ = static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(t_));
    put_uvarint(static_cast<uint64_t>(t_delta_));
    WriteValue(bits);
  } else {
    int64_t delta = static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(t_));
    int64_t dod =
        static_cast<int64_t>(static_cast<uint64_t>(delta) - static_cast<uint64_t>(t_delta_));
    auto fits = [dod](int n) {
      return dod >= -((int64_t{1} << (n - 1)) - 1) && dod <= (int64_t{1} << (n - 1));
    };
    if (dod == 0) {
      WriteBit(false);
    } else if (fits(14)) {
      WriteBits(0b10, 2);
      WriteBits(static_cast<uint64_t>(dod), 14);
    } else if (fits(17)) {
      WriteBits(0b110, 3);
      WriteBits(static_cast<uint64_t>(dod), 17);
    } else if (fits(20)) {
      WriteBits(0b1110, 4);
      WriteBits(static_cast<uint64_t>(dod), 20);
    } else {
      WriteBits(0b1111, 4);
      WriteBits(static_cast<uint64_t>(dod), 64);
    }
    t_delta_ = delta;
    WriteValue(bits);
  }
  t_ = t;
  v_bits_ = bits;
  ++num_samples_;
  buf_[0] = static_cast<char>(num_samples_ >> 8);
  buf_[1] = static_cast<char>(num_samples_ & 0xFF);
  return true;
}

}  // namespace charon::tsdb
