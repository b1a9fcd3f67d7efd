#include "indexheader/file_symbols.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "indexheader/file_decoder.h"

namespace charon::indexheader {

namespace {

// The scan at load time reads far more than a lookup; a larger window saves system calls.
constexpr size_t kScanReadAhead = 256 << 10;
constexpr size_t kLookupReadAhead = 2048;

}  // namespace

absl::StatusOr<FileSymbols> FileSymbols::Open(const ReadOnlyFile& file, uint64_t begin,
                                              uint64_t end, int index_version,
                                              uint64_t index_symbols_offset) {
  if (begin > end || end > file.size() || end - begin < 8) {
    return absl::DataLossError(
        absl::StrCat("symbol table [", begin, ", ", end, ") too short or outside the file"));
  }
  char len_buf[4];
  absl::Status s = file.ReadAt(begin, sizeof(len_buf), len_buf);
  if (!s.ok()) return s;
  uint64_t len = base::LoadBe32(len_buf);
  if (len < 4 || len > end - begin - 8) {
    return absl::DataLossError(absl::StrCat(
        "symbol table length ", len, " does not fit its section of ", end - begin, " bytes"));
  }
  uint64_t content_begin = begin + 4;
  uint64_t content_end = content_begin + len;
  char crc_buf[4];
  s = file.ReadAt(content_end, sizeof(crc_buf), crc_buf);
  if (!s.ok()) return s;
  absl::StatusOr<uint32_t> crc = file.Crc32cOf(content_begin, len);
  if (!crc.ok()) return crc.status();
  if (*crc != base::LoadBe32(crc_buf)) {
    return absl::DataLossError(absl::StrCat("symbol table CRC mismatch: stored ",
                                            base::LoadBe32(crc_buf), ", computed ", *crc));
  }

  FileDecoder d(file, content_begin, content_end, "symbol table", kScanReadAhead);
  uint32_t count = d.Be32();
  // Every symbol takes at least one byte, which bounds the count before we trust it.
  if (d.ok() && count > d.Remaining()) {
    return absl::DataLossError(
        absl::StrCat("symbol table claims ", count, " symbols in ", d.Remaining(), " bytes"));
  }
  std::vector<uint64_t> offsets;
  offsets.reserve(count / kSampleEvery + 1);
  for (uint32_t i = 0; i < count && d.ok(); ++i) {
    if (i % kSampleEvery == 0) offsets.push_back(d.Offset());
    d.Skip(d.Uvarint());
  }
  if (!d.ok()) return d.err();
  return FileSymbols(file, content_end, count, std::move(offsets), index_version,
                     index_symbols_offset, begin);
}

absl::StatusOr<std::string> FileSymbols::Lookup(uint32_t ref) const {
  FileDecoder d(*file_, header_symbols_offset_, content_end_, "symbol table", kLookupReadAhead);
  if (index_version_ != 1) {
    if (ref >= count_) {
      return absl::NotFoundError(absl::StrCat("symbol ", ref, " out of range (", count_, ")"));
    }
    d.Seek(offsets_[ref / kSampleEvery]);
    for (uint32_t i = 0; i < ref % kSampleEvery && d.ok(); ++i) d.Skip(d.Uvarint());
    std::string_view v = d.UvarintBytes();
    if (!d.ok()) return d.err();
    return std::string(v);
  }

  // v1: `ref` is the offset of the symbol in the original index; the table was copied from
  // index_symbols_offset_ to header_symbols_offset_. Only exact symbol starts are accepted.
  if (ref < index_symbols_offset_ || offsets_.empty()) {
    return absl::NotFoundError(absl::StrCat("symbol reference ", ref, " before the symbol table"));
  }
  uint64_t want = uint64_t{ref} - index_symbols_offset_ + header_symbols_offset_;
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), want);
  if (it == offsets_.begin() || want >= content_end_) {
    return absl::NotFoundError(absl::StrCat("symbol reference ", ref, " outside the symbol table"));
  }
  size_t sample = static_cast<size_t>(it - offsets_.begin()) - 1;
  uint64_t remaining = count_ - uint64_t{sample} * kSampleEvery;
  d.Seek(*(it - 1));
  for (uint64_t i = 0; i < remaining && d.ok() && d.Offset() <= want; ++i) {
    bool hit = d.Offset() == want;
    std::string_view v = d.UvarintBytes();
    if (hit && d.ok()) return std::string(v);
  }
  if (!d.ok()) return d.err();
  return absl::NotFoundError(absl::StrCat("symbol reference ", ref, " is not a symbol start"));
}

size_t FileSymbols::MemoryBytes() const {
  return sizeof(*this) + offsets_.capacity() * sizeof(uint64_t);
}

}  // namespace charon::indexheader
