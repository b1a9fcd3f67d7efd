#include "tsdb/series_entry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"

namespace charon::tsdb {
namespace {

// Prometheus refuses a series length uvarint longer than binary.MaxVarintLen32.
constexpr size_t kMaxLenBytes = 5;

// Reads the len uvarint; sets *n to its byte count.
absl::Status ReadEntryLen(std::string_view b, uint64_t* len, size_t* n) {
  *n = base::ReadUvarint(b.substr(0, std::min(b.size(), kMaxLenBytes)), len);
  if (*n > 0) return absl::OkStatus();
  if (b.size() < kMaxLenBytes) {
    bool all_continue = true;
    for (char c : b) all_continue &= (static_cast<unsigned char>(c) & 0x80) != 0;
    if (all_continue) return absl::OutOfRangeError("series entry: truncated length");
  }
  return absl::DataLossError("series entry: malformed length");
}

}  // namespace

absl::StatusOr<size_t> SeriesEntrySize(std::string_view b) {
  uint64_t len = 0;
  size_t n = 0;
  if (absl::Status s = ReadEntryLen(b, &len, &n); !s.ok()) return s;
  return n + len + 4;
}

absl::Status DecodeSeriesEntry(std::string_view b, SeriesEntry* out) {
  out->label_refs.clear();
  out->chunks.clear();
  uint64_t len = 0;
  size_t n = 0;
  if (absl::Status s = ReadEntryLen(b, &len, &n); !s.ok()) return s;
  if (b.size() - n < len + 4) {
    return absl::OutOfRangeError(
        absl::StrCat("series entry: ", len + 4, " bytes needed, ", b.size() - n, " available"));
  }
  std::string_view body = b.substr(n, len);
  if (base::Crc32c(body) != base::LoadBe32(b.data() + n + len)) {
    return absl::DataLossError("series entry: checksum mismatch");
  }

  base::Decbuf d(body);
  uint64_t nlabels = d.Uvarint();
  // Each label takes at least two bytes: bounds the reservation on corrupt counts.
  if (nlabels > d.Len() / 2) return absl::DataLossError("series entry: label count too large");
  out->label_refs.reserve(nlabels);
  for (uint64_t i = 0; i < nlabels; ++i) {
    uint32_t name = d.Uvarint32();
    uint32_t value = d.Uvarint32();
    out->label_refs.emplace_back(name, value);
  }
  uint64_t nchunks = d.Uvarint();
  if (!d.ok()) return d.err();
  if (nchunks > d.Len() / 3) return absl::DataLossError("series entry: chunk count too large");
  out->chunks.reserve(nchunks);
  // Deltas are applied in uint64 so corrupt values wrap (as in Go) instead of overflowing int64.
  uint64_t prev_maxt = 0, prev_ref = 0;
  for (uint64_t i = 0; i < nchunks; ++i) {
    uint64_t mint;
    if (i == 0) {
      mint = static_cast<uint64_t>(d.Varint());
    } else {
      mint = prev_maxt + d.Uvarint();
    }
    uint64_t maxt = mint + d.Uvarint();
    uint64_t ref = i == 0 ? d.Uvarint() : prev_ref + static_cast<uint64_t>(d.Varint());
    out->chunks.push_back(ChunkMeta{static_cast<int64_t>(mint), static_cast<int64_t>(maxt), ref});
    prev_maxt = maxt;
    prev_ref = ref;
  }
  if (!d.ok()) return absl::DataLossError(absl::StrCat("series entry: ", d.err().message()));
  return absl::OkStatus();
}

}  // namespace charon::tsdb
