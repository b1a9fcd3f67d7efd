// FileDecoder: Decbuf's counterpart for a window [begin, end) of a ReadOnlyFile. It reads ahead
// through a small buffer with pread, so scanning a few dozen symbols or postings-table entries
// costs one system call, while the file itself never has to be in memory.
//
// Bounds-checked with a sticky error like base::Decbuf: reading past `end` or a malformed varint
// sets DataLoss (an I/O error sets Unavailable), after which every getter returns 0/empty.
// Not thread-safe; make one per lookup (they are cheap). A string_view returned by UvarintBytes
// stays valid until the next call on the decoder.
#ifndef CHARON_INDEXHEADER_FILE_DECODER_H_
#define CHARON_INDEXHEADER_FILE_DECODER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "indexheader/read_only_file.h"

namespace charon::indexheader {

class FileDecoder {
 public:
  // `what` names the section in error messages. Precondition: begin <= end <= file.size().
  FileDecoder(const ReadOnlyFile& file, uint64_t begin, uint64_t end, std::string_view what,
              size_t read_ahead = 4096);

  // Absolute file offset of the next byte to decode.
  uint64_t Offset() const { return buf_offset_ + pos_; }
  uint64_t Remaining() const { return end_ - Offset(); }
  // Moves to an absolute offset in [begin, end]; outside it sets the error.
  void Seek(uint64_t offset);

  const absl::Status& err() const { return err_; }
  bool ok() const { return err_.ok(); }

  uint8_t Byte();
  uint32_t Be32();
  uint64_t Uvarint();
  std::string_view UvarintBytes();
  void Skip(uint64_t n);

  // While pinned, bytes from the pin position on stay in the buffer across reads, so View() can
  // return several fields of one record at once. Seek and Skip must not be used while pinned.
  void Pin() { pin_ = Offset(), pinned_ = true; }
  void Unpin() { pinned_ = false; }
  // Bytes [offset, offset + n) already read since the pin; sets the error if they are not held.
  std::string_view View(uint64_t offset, size_t n);

  void Fail(std::string_view what);

 private:
  // Makes `n` bytes at the current position available in buf_; false (and sets the error) if
  // fewer than `n` bytes remain before `end_` or the read fails.
  bool Ensure(size_t n);

  const ReadOnlyFile& file_;
  uint64_t begin_;
  uint64_t end_;
  std::string what_;
  size_t read_ahead_;
  std::string buf_;
  uint64_t buf_offset_;  // file offset of buf_[0]
  size_t pos_ = 0;       // decode position inside buf_
  size_t filled_ = 0;    // valid bytes in buf_
  uint64_t pin_ = 0;
  bool pinned_ = false;
  absl::Status err_;
};

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_FILE_DECODER_H_
