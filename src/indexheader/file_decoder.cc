#include "indexheader/file_decoder.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "base/strings.h"

namespace charon::indexheader {

FileDecoder::FileDecoder(const ReadOnlyFile& file, uint64_t begin, uint64_t end,
                         std::string_view what, size_t read_ahead)
    : file_(file),
      begin_(begin),
      end_(end),
      what_(what),
      read_ahead_(std::max<size_t>(read_ahead, 16)),
      buf_offset_(begin) {
  if (begin > end || end > file.size()) {
    end_ = begin_;
    Fail("window outside the file");
  }
}

void FileDecoder::Fail(std::string_view what) {
  if (err_.ok()) {
    err_ = absl::DataLossError(
        absl::StrCat(what_, ": ", base::Absl(what), " at offset ", Offset(), " of ", file_.path()));
  }
  // Park at the end so that every later read fails without touching the file.
  buf_offset_ = end_;
  pos_ = 0;
  filled_ = 0;
}

void FileDecoder::Seek(uint64_t offset) {
  if (!ok()) return;
  if (offset < begin_ || offset > end_) {
    Fail(absl::StrCat("seek to ", offset, " outside [", begin_, ", ", end_, ")"));
    return;
  }
  if (offset >= buf_offset_ && offset <= buf_offset_ + filled_) {
    pos_ = static_cast<size_t>(offset - buf_offset_);
    return;
  }
  buf_offset_ = offset;
  pos_ = 0;
  filled_ = 0;
}

bool FileDecoder::Ensure(size_t n) {
  if (!ok()) return false;
  if (filled_ - pos_ >= n) return true;
  if (n > Remaining()) {
    Fail("unexpected end of section");
    return false;
  }
  // Drop what has been decoded (except pinned bytes), then top up to the read-ahead size (or
  // `n`), never past end_.
  size_t drop = pos_;
  if (pinned_ && pin_ >= buf_offset_) drop = std::min<size_t>(drop, pin_ - buf_offset_);
  if (drop > 0) {
    std::memmove(buf_.data(), buf_.data() + drop, filled_ - drop);
    buf_offset_ += drop;
    pos_ -= drop;
    filled_ -= drop;
  }
  uint64_t want = pos_ + std::max<uint64_t>(n, read_ahead_);
  want = std::min<uint64_t>(want, end_ - buf_offset_);
  if (buf_.size() < want) buf_.resize(static_cast<size_t>(want));
  size_t to_read = static_cast<size_t>(want) - filled_;
  absl::Status s = file_.ReadAt(buf_offset_ + filled_, to_read, buf_.data() + filled_);
  if (!s.ok()) {
    if (err_.ok()) err_ = s;
    Fail("read failed");
    return false;
  }
  filled_ = static_cast<size_t>(want);
  return true;
}

std::string_view FileDecoder::View(uint64_t offset, size_t n) {
  if (!ok()) return {};
  if (offset < buf_offset_ || offset + n > buf_offset_ + pos_) {
    Fail("view of bytes no longer buffered");
    return {};
  }
  return std::string_view(buf_.data() + (offset - buf_offset_), n);
}

uint8_t FileDecoder::Byte() {
  if (!Ensure(1)) return 0;
  return static_cast<uint8_t>(buf_[pos_++]);
}

uint32_t FileDecoder::Be32() {
  if (!Ensure(4)) return 0;
  uint32_t v = base::LoadBe32(buf_.data() + pos_);
  pos_ += 4;
  return v;
}

uint64_t FileDecoder::Uvarint() {
  if (!Ensure(static_cast<size_t>(std::min<uint64_t>(10, Remaining())))) return 0;
  if (Remaining() == 0) {
    Fail("unexpected end of section reading uvarint");
    return 0;
  }
  uint64_t v = 0;
  size_t n = base::ReadUvarint(std::string_view(buf_.data() + pos_, filled_ - pos_), &v);
  if (n == 0) {
    Fail("invalid or truncated uvarint");
    return 0;
  }
  pos_ += n;
  return v;
}

std::string_view FileDecoder::UvarintBytes() {
  uint64_t len = Uvarint();
  if (!ok()) return {};
  if (len > Remaining()) {
    Fail(absl::StrCat("string of ", len, " bytes runs past the end of the section"));
    return {};
  }
  if (!Ensure(static_cast<size_t>(len))) return {};
  std::string_view v(buf_.data() + pos_, static_cast<size_t>(len));
  pos_ += static_cast<size_t>(len);
  return v;
}

void FileDecoder::Skip(uint64_t n) {
  if (!ok()) return;
  if (n > Remaining()) {
    Fail("skip past the end of section");
    return;
  }
  Seek(Offset() + n);
}

}  // namespace charon::indexheader
