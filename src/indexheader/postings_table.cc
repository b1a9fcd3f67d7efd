#include "indexheader/postings_table.h"

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"

namespace charon::indexheader {

absl::StatusOr<CheckedTableSection> CheckPostingsTableSection(const ReadOnlyFile& file,
                                                              const PostingsTableLayout& layout) {
  const uint64_t begin = layout.begin;
  const uint64_t end = layout.end;
  if (begin > end || end > file.size() || end - begin < 8) {
    return absl::DataLossError(absl::StrCat("postings offset table [", begin, ", ", end,
                                            ") too short or outside the file"));
  }
  char len_buf[4];
  absl::Status s = file.ReadAt(begin, sizeof(len_buf), len_buf);
  if (!s.ok()) return s;
  uint64_t len = base::LoadBe32(len_buf);
  if (len < 4 || len > end - begin - 8) {
    return absl::DataLossError(absl::StrCat("postings offset table length ", len,
                                            " does not fit its section of ", end - begin,
                                            " bytes"));
  }
  CheckedTableSection section{begin + 4, begin + 4 + len};
  char crc_buf[4];
  s = file.ReadAt(section.content_end, sizeof(crc_buf), crc_buf);
  if (!s.ok()) return s;
  absl::StatusOr<uint32_t> crc = file.Crc32cOf(section.content_begin, len);
  if (!crc.ok()) return crc.status();
  if (*crc != base::LoadBe32(crc_buf)) {
    return absl::DataLossError(absl::StrCat("postings offset table CRC mismatch: stored ",
                                            base::LoadBe32(crc_buf), ", computed ", *crc));
  }
  return section;
}

absl::Status CheckListOffset(const PostingsTableEntry& e, uint32_t i, uint64_t postings_table) {
  if (e.offset <= postings_table && postings_table - e.offset >= 8) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("postings offset table: list offset ", e.offset,
                                          " of entry ", i, " is not before the table at ",
                                          postings_table));
}

bool ReadPostingsTableEntry(FileDecoder& d, PostingsTableEntry* e) {
  e->table_offset = d.Offset();
  // Pinned so that the name is still buffered once the value has been read.
  d.Pin();
  uint64_t keycount = d.Uvarint();
  if (d.ok() && keycount != 2) {
    d.Fail(absl::StrCat("postings offset table entry with ", keycount, " keys, want 2"));
  }
  size_t name_len = d.UvarintBytes().size();
  uint64_t name_off = d.Offset() - name_len;
  size_t value_len = d.UvarintBytes().size();
  uint64_t value_off = d.Offset() - value_len;
  e->offset = d.Uvarint();
  e->name = d.View(name_off, name_len);
  e->value = d.View(value_off, value_len);
  d.Unpin();
  return d.ok();
}

}  // namespace charon::indexheader
