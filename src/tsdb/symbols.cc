#include "tsdb/symbols.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "base/strings.h"

namespace charon::tsdb {

absl::StatusOr<std::string_view> DecodeSymbol(std::string_view b, size_t* size) {
  uint64_t len = 0;
  size_t n = base::ReadUvarint(b, &len);
  if (n == 0) {
    if (b.size() < 10 && std::all_of(b.begin(), b.end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0x80) != 0;
        })) {
      return absl::OutOfRangeError("symbol: truncated length");
    }
    return absl::DataLossError("symbol: malformed length");
  }
  if (b.size() - n < len) {
    return absl::OutOfRangeError(
        absl::StrCat("symbol: ", len, " bytes needed, ", b.size() - n, " available"));
  }
  *size = n + len;
  return b.substr(n, len);
}

absl::StatusOr<SymbolTable> SymbolTable::Open(std::string_view content, int index_version,
                                              uint64_t base_offset) {
  SymbolTable t;
  t.content_ = content;
  t.version_ = index_version;
  t.base_offset_ = base_offset;
  if (content.size() > std::numeric_limits<uint32_t>::max() ||
      (index_version == 1 && base_offset + content.size() > std::numeric_limits<uint32_t>::max())) {
    return absl::DataLossError("symbols: table too large for 32-bit references");
  }
  base::Decbuf d(content);
  t.count_ = d.Be32();
  if (!d.ok()) return absl::DataLossError("symbols: truncated count");
  // Every symbol takes at least its one-byte length: bounds the reservation on corrupt counts.
  if (t.count_ > d.Len()) {
    return absl::DataLossError(
        absl::StrCat("symbols: count ", t.count_, " exceeds the ", d.Len(), " bytes of table"));
  }
  t.sampled_.reserve(t.count_ / kSymbolFactor + 1);
  std::string_view prev;
  for (uint32_t i = 0; i < t.count_; ++i) {
    auto pos = static_cast<uint32_t>(content.size() - d.Len());
    if (i % kSymbolFactor == 0) t.sampled_.push_back(pos);
    std::string_view s = d.UvarintBytes();
    if (!d.ok()) {
      return absl::DataLossError(absl::StrCat("symbols: symbol ", i, ": ", d.err().message()));
    }
    if (i > 0 && !(prev < s)) {
      // Sorted order is what every writer produces and what ReverseLookup's binary search needs;
      // for the rare v1 file fall back to a linear scan instead of rejecting it.
      if (index_version >= 2) {
        return absl::DataLossError(absl::StrCat("symbols: symbol ", i, " out of order"));
      }
      t.sorted_ = false;
    }
    prev = s;
  }
  return t;
}

std::string_view SymbolTable::Walk(size_t sample, uint32_t ordinal, size_t* pos) const {
  size_t p = sampled_[sample];
  uint32_t i = static_cast<uint32_t>(sample * kSymbolFactor);
  std::string_view s;
  for (;;) {
    size_t n = 0;
    // Create validated every symbol, so decoding cannot fail here.
    s = DecodeSymbol(content_.substr(p), &n).value_or(std::string_view());
    if (i == ordinal) break;
    p += n;
    ++i;
  }
  *pos = p;
  return s;
}

uint32_t SymbolTable::RefOf(uint32_t ordinal, size_t pos) const {
  return version_ >= 2 ? ordinal : static_cast<uint32_t>(base_offset_ + pos);
}

absl::StatusOr<std::string_view> SymbolTable::Lookup(uint32_t ref) const {
  if (version_ >= 2) {
    if (ref >= count_) {
      return absl::NotFoundError(absl::StrCat("symbol ref ", ref, " out of range ", count_));
    }
    size_t pos = 0;
    return Walk(ref / kSymbolFactor, ref, &pos);
  }
  if (ref < base_offset_ || ref - base_offset_ >= content_.size() || sampled_.empty()) {
    return absl::NotFoundError(absl::StrCat("symbol ref ", ref, " outside the symbol table"));
  }
  size_t want = ref - base_offset_;
  auto it = std::upper_bound(sampled_.begin(), sampled_.end(), want);
  if (it == sampled_.begin()) return absl::NotFoundError(absl::StrCat("symbol ref ", ref));
  size_t sample = static_cast<size_t>(it - sampled_.begin()) - 1;
  size_t p = sampled_[sample];
  uint32_t i = static_cast<uint32_t>(sample * kSymbolFactor);
  while (i < count_ && p <= want) {
    size_t n = 0;
    std::string_view s = DecodeSymbol(content_.substr(p), &n).value_or(std::string_view());
    if (p == want) return s;
    p += n;
    ++i;
  }
  return absl::NotFoundError(absl::StrCat("symbol ref ", ref, " is not the start of a symbol"));
}

absl::StatusOr<uint32_t> SymbolTable::ReverseLookup(std::string_view s) const {
  if (count_ == 0) return absl::NotFoundError("symbol not found");
  auto decode_at = [&](size_t p, size_t* n) {
    return DecodeSymbol(content_.substr(p), n).value_or(std::string_view());
  };
  size_t start_sample = 0;
  if (sorted_) {
    // Last sampled symbol <= s.
    size_t lo = 0, hi = sampled_.size();
    while (hi - lo > 1) {
      size_t mid = lo + (hi - lo) / 2;
      size_t n = 0;
      if (decode_at(sampled_[mid], &n) <= s) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    start_sample = lo;
  }
  size_t p = sampled_[start_sample];
  for (uint32_t i = static_cast<uint32_t>(start_sample * kSymbolFactor); i < count_; ++i) {
    size_t n = 0;
    std::string_view cur = decode_at(p, &n);
    if (cur == s) return RefOf(i, p);
    if (sorted_ && cur > s) break;
    p += n;
  }
  return absl::NotFoundError(absl::StrCat("symbol \"", base::Absl(s), "\" not found"));
}

void SymbolTable::ForEach(absl::FunctionRef<void(uint32_t ref, std::string_view symbol)> fn) const {
  size_t p = sampled_.empty() ? 0 : sampled_[0];
  for (uint32_t i = 0; i < count_; ++i) {
    size_t n = 0;
    std::string_view s = DecodeSymbol(content_.substr(p), &n).value_or(std::string_view());
    fn(RefOf(i, p), s);
    p += n;
  }
}

}  // namespace charon::tsdb
