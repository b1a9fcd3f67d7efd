// Bridges std::string_view to Abseil: Debian's Abseil (20220623, built as C++14/17 ABI) has its own
// absl::string_view type, so std::string_view does not convert implicitly to the arguments of
// absl::StrCat or the absl::Status constructors.
#ifndef CHARON_BASE_STRINGS_H_
#define CHARON_BASE_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace charon::base {

inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace charon::base

#endif  // CHARON_BASE_STRINGS_H_
