#include "indexheader/section_checker.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"

namespace charon::indexheader {

absl::Status SectionChecker::Update(std::string_view bytes) {
  while (!bytes.empty()) {
    if (seen_ < 4) {
      size_t n = std::min<size_t>(4 - seen_, bytes.size());
      std::copy_n(bytes.data(), n, len_buf_ + seen_);
      seen_ += n;
      bytes.remove_prefix(n);
      if (seen_ == 4) {
        len_ = base::LoadBe32(len_buf_);
        if (len_ + 8 > limit_) {
          return absl::DataLossError(absl::StrCat(
              what_, ": length ", len_, " does not fit its region of ", limit_, " bytes"));
        }
      }
    } else if (seen_ < 4 + len_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(4 + len_ - seen_, bytes.size()));
      crc_ = base::Crc32cExtend(crc_, bytes.substr(0, n));
      seen_ += n;
      bytes.remove_prefix(n);
    } else if (seen_ < 8 + len_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(8 + len_ - seen_, bytes.size()));
      std::copy_n(bytes.data(), n, crc_buf_ + (seen_ - 4 - len_));
      seen_ += n;
      bytes.remove_prefix(n);
    } else {
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status SectionChecker::Finish() const {
  if (seen_ < 4 || seen_ < 8 + len_) {
    return absl::DataLossError(absl::StrCat(what_, ": truncated section"));
  }
  uint32_t stored = base::LoadBe32(crc_buf_);
  if (stored != crc_) {
    return absl::DataLossError(
        absl::StrCat(what_, ": CRC mismatch: stored ", stored, ", computed ", crc_));
  }
  return absl::OkStatus();
}

}  // namespace charon::indexheader
