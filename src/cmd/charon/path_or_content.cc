#include "cmd/charon/path_or_content.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::cmd {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

absl::StatusOr<std::string> ExpandEnv(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '(') {
      size_t end = i + 2;
      while (end < s.size() && IsNameChar(s[end])) ++end;
      if (end < s.size() && s[end] == ')' && end > i + 2) {
        const std::string name(s.substr(i + 2, end - i - 2));
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat("env variable ", name, " is not set"));
        }
        out.append(value);
        i = end + 1;
        continue;
      }
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

absl::Status PathOrContent::Validate() const {
  if (!path.empty() && !content.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("both --", path_flag_name(), " and --", flag_name_, " are set; use only one"));
  }
  if (required_ && empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag --", flag_name_, " or --", path_flag_name(),
                     " is required for running this command and content "
                     "cannot be empty"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PathOrContent::Content() const {
  if (absl::Status s = Validate(); !s.ok()) return s;
  std::string raw = content;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      std::string message =
          absl::StrCat("cannot read --", path_flag_name(), " ", path, ": ", std::strerror(err));
      return err == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    raw = std::move(buf).str();
    if (required_ && raw.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", path_flag_name(), " ", path, " is empty"));
    }
  }
  absl::StatusOr<std::string> expanded = ExpandEnv(raw);
  if (!expanded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag_name_, ": ", expanded.status().message()));
  }
  return expanded;
}

}  // namespace charon::cmd
