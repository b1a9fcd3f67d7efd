#include "indexheader/index_header_reader.h"

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"
#include "indexheader/file_symbols.h"
#include "indexheader/full_postings_table.h"
#include "indexheader/index_header_builder.h"
#include "indexheader/postings_table.h"
#include "indexheader/read_only_file.h"
#include "indexheader/sampled_postings_table.h"
#include "tsdb/index_format.h"

namespace charon::indexheader {

namespace {

// Layout of the file (see index_header_builder.h):
//   0: magic u32 | 4: format version u8 | 5: index version u8 | 6: index postings table offset u64
//   14: symbol table copy | postings offset table copy + the index's 52-byte TOC
//   size-20: symbols offset u64 | postings offset table offset u64 | crc32c u32 over those 16
constexpr uint64_t kHeaderLen = 14;
constexpr uint64_t kTocLen = 20;
constexpr uint8_t kFormatV1 = 1;
// Offsets this large cannot come from a real index and would overflow int64 ranges.
constexpr uint64_t kMaxIndexOffset = uint64_t{1} << 62;

}  // namespace

class IndexHeaderReader::Impl {
 public:
  Impl(std::unique_ptr<ReadOnlyFile> file, int index_version, uint64_t index_postings_table)
      : file_(std::move(file)),
        index_version_(index_version),
        index_postings_table_(index_postings_table) {}

  std::unique_ptr<ReadOnlyFile> file_;
  int index_version_;
  uint64_t index_postings_table_;
  std::optional<FileSymbols> symbols_;
  std::unique_ptr<PostingsTable> postings_;
};

IndexHeaderReader::IndexHeaderReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IndexHeaderReader::~IndexHeaderReader() = default;

absl::StatusOr<std::unique_ptr<IndexHeaderReader>> IndexHeaderReader::Open(const std::string& path,
                                                                           int postings_sampling) {
  if (postings_sampling < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("postings sampling must be >= 1, got ", postings_sampling));
  }
  absl::StatusOr<std::unique_ptr<ReadOnlyFile>> opened = ReadOnlyFile::Open(path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<ReadOnlyFile> file = *std::move(opened);
  const uint64_t size = file->size();
  if (size < kHeaderLen + kTocLen + tsdb::kIndexTocLen) {
    return absl::DataLossError(absl::StrCat("index-header ", path, " too small: ", size, " bytes"));
  }

  char header[kHeaderLen];
  absl::Status s = file->ReadAt(0, kHeaderLen, header);
  if (!s.ok()) return s;
  if (uint32_t magic = base::LoadBe32(header); magic != kIndexHeaderMagic) {
    return absl::DataLossError(
        absl::StrCat("index-header ", path, ": bad magic ", absl::Hex(magic)));
  }
  if (header[4] != kFormatV1) {
    return absl::DataLossError(absl::StrCat("index-header ", path, ": unknown format version ",
                                            static_cast<int>(header[4])));
  }
  int index_version = static_cast<unsigned char>(header[5]);
  if (index_version == 3) index_version = 2;
  if (index_version != 1 && index_version != 2) {
    return absl::DataLossError(
        absl::StrCat("index-header ", path, ": unknown index version ", index_version));
  }
  const uint64_t index_postings_table = base::LoadBe64(header + 6);

  char toc[kTocLen];
  s = file->ReadAt(size - kTocLen, kTocLen, toc);
  if (!s.ok()) return s;
  if (base::Crc32c(std::string_view(toc, 16)) != base::LoadBe32(toc + 16)) {
    return absl::DataLossError(absl::StrCat("index-header ", path, ": TOC CRC mismatch"));
  }
  const uint64_t symbols_offset = base::LoadBe64(toc);
  const uint64_t postings_offset = base::LoadBe64(toc + 8);
  const uint64_t postings_region_end = size - kTocLen - tsdb::kIndexTocLen;
  if (symbols_offset != kHeaderLen || postings_offset < symbols_offset ||
      postings_offset > postings_region_end) {
    return absl::DataLossError(absl::StrCat("index-header ", path, ": TOC offsets ", symbols_offset,
                                            ", ", postings_offset, " out of range for size ",
                                            size));
  }

  // The copied region ends with the index's own TOC: it tells where the symbol table sat in the
  // index (needed for v1 symbol references) and cross-checks the header fields.
  std::string index_toc_bytes(tsdb::kIndexTocLen, '\0');
  s = file->ReadAt(postings_region_end, tsdb::kIndexTocLen, index_toc_bytes.data());
  if (!s.ok()) return s;
  absl::StatusOr<tsdb::IndexToc> index_toc = tsdb::DecodeIndexToc(index_toc_bytes);
  if (!index_toc.ok()) {
    return absl::DataLossError(
        absl::StrCat("index-header ", path, ": copied index TOC: ", index_toc.status().message()));
  }
  if (index_toc->postings_table != index_postings_table ||
      index_postings_table >= kMaxIndexOffset || index_toc->series < index_toc->symbols ||
      index_toc->series - index_toc->symbols != postings_offset - symbols_offset) {
    return absl::DataLossError(
        absl::StrCat("index-header ", path, ": header fields disagree with the copied index TOC"));
  }

  auto impl = std::make_unique<Impl>(std::move(file), index_version, index_postings_table);
  absl::StatusOr<FileSymbols> symbols = FileSymbols::Open(
      *impl->file_, symbols_offset, postings_offset, index_version, index_toc->symbols);
  if (!symbols.ok()) return symbols.status();
  impl->symbols_.emplace(*std::move(symbols));

  PostingsTableLayout layout{postings_offset, postings_region_end, index_postings_table};
  absl::StatusOr<std::unique_ptr<PostingsTable>> postings =
      index_version == 1 ? OpenFullPostingsTable(*impl->file_, layout)
                         : OpenSampledPostingsTable(*impl->file_, layout, postings_sampling);
  if (!postings.ok()) return postings.status();
  impl->postings_ = *std::move(postings);
  return std::unique_ptr<IndexHeaderReader>(new IndexHeaderReader(std::move(impl)));
}

int IndexHeaderReader::IndexVersion() const { return impl_->index_version_; }

int64_t IndexHeaderReader::PostingsTableOffset() const {
  return static_cast<int64_t>(impl_->index_postings_table_);
}

absl::StatusOr<std::vector<std::string>> IndexHeaderReader::LabelNames() const {
  return impl_->postings_->LabelNames();
}

absl::StatusOr<std::vector<std::string>> IndexHeaderReader::LabelValues(
    std::string_view name) const {
  return impl_->postings_->LabelValues(name);
}

absl::StatusOr<std::vector<std::optional<IndexRange>>> IndexHeaderReader::PostingsRanges(
    std::string_view name, std::span<const std::string> values) const {
  return impl_->postings_->PostingsRanges(name, values);
}

absl::StatusOr<std::string> IndexHeaderReader::LookupSymbol(uint32_t ref) const {
  return impl_->symbols_->Lookup(ref);
}

size_t IndexHeaderReader::MemoryBytes() const {
  return sizeof(*this) + sizeof(Impl) + sizeof(ReadOnlyFile) + impl_->symbols_->MemoryBytes() +
         impl_->postings_->MemoryBytes();
}

}  // namespace charon::indexheader
