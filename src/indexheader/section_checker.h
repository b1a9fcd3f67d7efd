// SectionChecker: verifies a "len (u32 BE) | len bytes | crc32c (u32 BE)" section while its bytes
// stream past in arbitrary pieces, so the builder can check what it copies without holding it.
// Bytes after the CRC (padding, following sections) are ignored.
//
// Not thread-safe.
#ifndef CHARON_INDEXHEADER_SECTION_CHECKER_H_
#define CHARON_INDEXHEADER_SECTION_CHECKER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace charon::indexheader {

class SectionChecker {
 public:
  // `what` names the section in errors; the whole section (8 + len bytes) must fit in `limit`.
  SectionChecker(std::string_view what, uint64_t limit) : what_(what), limit_(limit) {}

  // Feeds the next bytes. DataLoss as soon as `len` is known not to fit.
  [[nodiscard]] absl::Status Update(std::string_view bytes);
  // DataLoss if the section was incomplete or its CRC does not match.
  [[nodiscard]] absl::Status Finish() const;

 private:
  std::string what_;
  uint64_t limit_;
  char len_buf_[4] = {};
  char crc_buf_[4] = {};
  uint64_t seen_ = 0;  // bytes of the section consumed so far (len, content, crc)
  uint64_t len_ = 0;
  uint32_t crc_ = 0;
};

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_SECTION_CHECKER_H_
