#include "tsdb/index_format.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"
#include "base/strings.h"

namespace charon::tsdb {

absl::StatusOr<int> DecodeIndexHeader(std::string_view first5) {
  if (first5.size() < kIndexHeaderLen) {
    return absl::DataLossError("index: file shorter than its 5-byte header");
  }
  uint32_t magic = base::LoadBe32(first5.data());
  if (magic != kIndexMagic) {
    return absl::DataLossError(absl::StrCat("index: bad magic 0x", absl::Hex(magic)));
  }
  int version = static_cast<unsigned char>(first5[4]);
  switch (version) {
    case 1:
    case 2:
      return version;
    case 3:  // Accepted by Prometheus for forward compatibility and read exactly like v2.
      return 2;
    default:
      return absl::DataLossError(absl::StrCat("index: unknown format version ", version));
  }
}

absl::StatusOr<IndexToc> DecodeIndexToc(std::string_view last52) {
  if (last52.size() != kIndexTocLen) {
    return absl::DataLossError(
        absl::StrCat("index: TOC needs ", kIndexTocLen, " bytes, got ", last52.size()));
  }
  uint32_t want = base::LoadBe32(last52.data() + 48);
  uint32_t got = base::Crc32c(last52.substr(0, 48));
  if (want != got) return absl::DataLossError("index: TOC checksum mismatch");
  base::Decbuf d(last52);
  IndexToc toc;
  toc.symbols = d.Be64();
  toc.series = d.Be64();
  toc.label_indices = d.Be64();
  toc.label_offset_table = d.Be64();
  toc.postings = d.Be64();
  toc.postings_table = d.Be64();
  return toc;
}

absl::Status ValidateToc(const IndexToc& toc, uint64_t index_size) {
  if (index_size < kIndexHeaderLen + kIndexTocLen) {
    return absl::DataLossError(absl::StrCat("index: size ", index_size, " too small"));
  }
  uint64_t toc_start = index_size - kIndexTocLen;
  auto inside = [&](uint64_t off) { return off >= kIndexHeaderLen && off <= toc_start; };
  if (!inside(toc.symbols) || !inside(toc.series) || !inside(toc.postings_table)) {
    return absl::DataLossError(absl::StrCat(
        "index: TOC offsets (symbols ", toc.symbols, ", series ", toc.series, ", postings table ",
        toc.postings_table, ") outside file of size ", index_size));
  }
  if (toc.symbols > toc.series || toc.series > toc.postings_table) {
    return absl::DataLossError("index: TOC sections out of order");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string_view> CheckedSection(std::string_view b, std::string_view what) {
  if (b.size() < 4) {
    return absl::DataLossError(absl::StrCat("index: ", base::Absl(what), ": truncated length"));
  }
  uint64_t len = base::LoadBe32(b.data());
  if (b.size() - 4 < len + 4) {
    return absl::DataLossError(absl::StrCat("index: ", base::Absl(what), ": length ", len,
                                            " exceeds the ", b.size() - 4, " bytes available"));
  }
  std::string_view content = b.substr(4, len);
  uint32_t want = base::LoadBe32(b.data() + 4 + len);
  if (base::Crc32c(content) != want) {
    return absl::DataLossError(absl::StrCat("index: ", base::Absl(what), ": checksum mismatch"));
  }
  return content;
}

}  // namespace charon::tsdb
