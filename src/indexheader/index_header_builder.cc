#include "indexheader/index_header_builder.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "base/annotate.h"
#include "base/atomic_file.h"
#include "base/crc32c.h"
#include "base/decbuf.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "indexheader/parallel_range_fetcher.h"
#include "indexheader/section_checker.h"
#include "tsdb/index_format.h"

namespace charon::indexheader {

using base::Annotate;

namespace {

constexpr uint8_t kFormatV1 = 1;
constexpr uint64_t kHeaderLen = 14;

}  // namespace

absl::Status BuildIndexHeader(objstore::Bucket& bucket, std::string_view block_id,
                              const std::string& path, const IndexHeaderBuildOptions& options) {
  const std::string object = absl::StrCat(base::Absl(block_id), "/index");

  CHARON_ASSIGN_OR_RETURN(objstore::ObjectAttributes attrs, bucket.Attributes(object));
  const int64_t size = attrs.size;
  if (size < static_cast<int64_t>(tsdb::kIndexHeaderLen + tsdb::kIndexTocLen)) {
    return absl::DataLossError(absl::StrCat(object, ": index too small (", size, " bytes)"));
  }

  CHARON_ASSIGN_OR_RETURN(std::string head,
                          bucket.GetRange(object, 0, static_cast<int64_t>(tsdb::kIndexHeaderLen)));
  if (head.size() != tsdb::kIndexHeaderLen) {
    return absl::DataLossError(absl::StrCat(object, ": short read of the index header"));
  }
  absl::StatusOr<int> version = tsdb::DecodeIndexHeader(head);
  if (!version.ok()) return Annotate(version.status(), object);

  CHARON_ASSIGN_OR_RETURN(std::string toc_bytes,
                          bucket.GetRange(object, size - static_cast<int64_t>(tsdb::kIndexTocLen),
                                          static_cast<int64_t>(tsdb::kIndexTocLen)));
  if (toc_bytes.size() != tsdb::kIndexTocLen) {
    return absl::DataLossError(absl::StrCat(object, ": short read of the index TOC"));
  }
  absl::StatusOr<tsdb::IndexToc> toc = tsdb::DecodeIndexToc(toc_bytes);
  if (!toc.ok()) return Annotate(toc.status(), object);
  CHARON_RETURN_IF_ERROR(Annotate(tsdb::ValidateToc(*toc, static_cast<uint64_t>(size)), object));
  const uint64_t index_size = static_cast<uint64_t>(size);
  // ValidateToc covers this; repeated because the lengths below must never wrap.
  if (toc->symbols > toc->series || toc->series > index_size) {
    return absl::DataLossError(absl::StrCat(object, ": symbol table bounds out of order"));
  }
  if (toc->postings_table + tsdb::kIndexTocLen > index_size) {
    return absl::DataLossError(absl::StrCat(object, ": postings offset table offset ",
                                            toc->postings_table, " inside the TOC"));
  }

  const uint64_t symbols_len = toc->series - toc->symbols;
  const uint64_t postings_len = index_size - toc->postings_table;
  std::string header;
  base::PutBe32(&header, kIndexHeaderMagic);
  header.push_back(static_cast<char>(kFormatV1));
  // The index's own version byte, unchanged, so a reader sees exactly what the index declared.
  header.push_back(head[4]);
  base::PutBe64(&header, toc->postings_table);

  std::string trailer;
  base::PutBe64(&trailer, kHeaderLen);
  base::PutBe64(&trailer, kHeaderLen + symbols_len);
  base::PutBe32(&trailer, base::Crc32c(trailer));

  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<base::AtomicFile> out, base::AtomicFile::Create(path));
  CHARON_RETURN_IF_ERROR(out->Append(header));

  std::array<SectionChecker, 2> checkers = {
      SectionChecker(absl::StrCat(object, ": symbol table"), symbols_len),
      SectionChecker(absl::StrCat(object, ": postings offset table"),
                     postings_len - tsdb::kIndexTocLen)};
  // The copied region ends with the TOC; it must be the TOC read above, or the object changed
  // between reads.
  std::string copied_tail;
  const std::array<ByteRange, 2> ranges = {
      ByteRange{static_cast<int64_t>(toc->symbols),
                static_cast<int64_t>(toc->symbols + symbols_len)},
      ByteRange{static_cast<int64_t>(toc->postings_table),
                static_cast<int64_t>(toc->postings_table + postings_len)}};
  ParallelFetchOptions fetch{options.part_size, options.concurrency};
  CHARON_RETURN_IF_ERROR(FetchRangesInOrder(
      bucket, object, ranges, fetch, [&](size_t range, std::string_view bytes) -> absl::Status {
        CHARON_RETURN_IF_ERROR(checkers[range].Update(bytes));
        if (range == 1) {
          copied_tail.append(
              bytes.substr(bytes.size() - std::min(bytes.size(), tsdb::kIndexTocLen)));
          if (copied_tail.size() > tsdb::kIndexTocLen) {
            copied_tail.erase(0, copied_tail.size() - tsdb::kIndexTocLen);
          }
        }
        return out->Append(bytes);
      }));
  for (const SectionChecker& c : checkers) CHARON_RETURN_IF_ERROR(c.Finish());
  if (copied_tail != toc_bytes) {
    return absl::DataLossError(absl::StrCat(object, ": index changed while it was being read"));
  }

  CHARON_RETURN_IF_ERROR(out->Append(trailer));
  return out->Commit();
}

}  // namespace charon::indexheader
