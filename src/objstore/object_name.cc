#include "objstore/object_name.h"

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::objstore {
namespace {

absl::Status Invalid(std::string_view name, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid object name \"", base::Absl(name), "\": ", base::Absl(why)));
}

}  // namespace

absl::Status ValidateObjectName(std::string_view name) {
  if (name.empty()) return Invalid(name, "empty");
  if (name.front() == '/') return Invalid(name, "starts with '/'");
  if (name.back() == '/') return Invalid(name, "ends with '/'");
  if (name.find('\0') != std::string_view::npos) return Invalid(name, "contains NUL");
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty()) return Invalid(name, "empty path component");
    if (part == "." || part == "..") return Invalid(name, "'.' or '..' component");
    start = end + 1;
  }
  return absl::OkStatus();
}

absl::Status NormalizeDir(std::string_view dir, std::string* normalized) {
  if (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  if (dir.empty()) {
    normalized->clear();
    return absl::OkStatus();
  }
  absl::Status s = ValidateObjectName(dir);
  if (!s.ok()) return s;
  *normalized = absl::StrCat(base::Absl(dir), "/");
  return absl::OkStatus();
}

}  // namespace charon::objstore
