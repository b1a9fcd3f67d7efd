#include "tsdb/postings_offset_table.h"

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"

namespace charon::tsdb {
namespace {

// Reads a uvarint at b[*pos]. OutOfRange when `b` ends inside it, DataLoss when it is malformed.
absl::Status ReadUvarintAt(std::string_view b, size_t* pos, uint64_t* v) {
  std::string_view rest = b.substr(*pos);
  size_t n = base::ReadUvarint(rest, v);
  if (n > 0) {
    *pos += n;
    return absl::OkStatus();
  }
  bool all_continue = rest.size() < 10;
  for (char c : rest) all_continue &= (static_cast<unsigned char>(c) & 0x80) != 0;
  if (all_continue) return absl::OutOfRangeError("postings offset entry: truncated uvarint");
  return absl::DataLossError("postings offset entry: malformed uvarint");
}

absl::Status ReadBytesAt(std::string_view b, size_t* pos, std::string_view* out) {
  uint64_t len = 0;
  if (absl::Status s = ReadUvarintAt(b, pos, &len); !s.ok()) return s;
  if (b.size() - *pos < len) {
    return absl::OutOfRangeError(absl::StrCat("postings offset entry: string of ", len, " bytes, ",
                                              b.size() - *pos, " available"));
  }
  *out = b.substr(*pos, len);
  *pos += len;
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodePostingsOffsetEntry(std::string_view b, PostingsOffsetEntry* e, size_t* size) {
  size_t pos = 0;
  uint64_t keycount = 0;
  if (absl::Status s = ReadUvarintAt(b, &pos, &keycount); !s.ok()) return s;
  if (keycount != 2) {
    return absl::DataLossError(
        absl::StrCat("postings offset entry: keycount ", keycount, ", want 2"));
  }
  if (absl::Status s = ReadBytesAt(b, &pos, &e->name); !s.ok()) return s;
  if (absl::Status s = ReadBytesAt(b, &pos, &e->value); !s.ok()) return s;
  if (absl::Status s = ReadUvarintAt(b, &pos, &e->offset); !s.ok()) return s;
  *size = pos;
  return absl::OkStatus();
}

PostingsOffsetTableIterator::PostingsOffsetTableIterator(std::string_view content)
    : content_(content) {
  base::Decbuf d(content);
  count_ = d.Be32();
  if (!d.ok()) status_ = absl::DataLossError("postings offset table: truncated count");
}

PostingsOffsetTableIterator::PostingsOffsetTableIterator(std::string_view content,
                                                         uint64_t position, uint32_t ordinal)
    : PostingsOffsetTableIterator(content) {
  pos_ = position;
  next_ordinal_ = ordinal;
  if (status_.ok() && (position < 4 || position > content.size())) {
    status_ = absl::DataLossError(
        absl::StrCat("postings offset table: position ", position, " outside the table"));
  }
}

bool PostingsOffsetTableIterator::Next() {
  if (!status_.ok() || next_ordinal_ >= count_) return false;
  size_t size = 0;
  absl::Status s = DecodePostingsOffsetEntry(content_.substr(pos_), &entry_, &size);
  if (!s.ok()) {
    // Inside a checked section, running out of bytes is corruption too.
    status_ = absl::DataLossError(
        absl::StrCat("postings offset table: entry ", next_ordinal_, ": ", s.message()));
    return false;
  }
  entry_.position = pos_;
  entry_.ordinal = next_ordinal_++;
  pos_ += size;
  return true;
}

absl::Status WalkPostingsOffsetTable(
    std::string_view content, absl::FunctionRef<absl::Status(const PostingsOffsetEntry&)> fn) {
  PostingsOffsetTableIterator it(content);
  while (it.Next()) {
    if (absl::Status s = fn(it.At()); !s.ok()) return s;
  }
  return it.status();
}

}  // namespace charon::tsdb
