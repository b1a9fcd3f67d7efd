// A configuration given as a file path or inline, from a pair of flags --X-file / --X (Thanos'
// extflag.PathOrContent with environment substitution). The two are mutually exclusive.
#ifndef CHARON_CMD_CHARON_PATH_OR_CONTENT_H_
#define CHARON_CMD_CHARON_PATH_OR_CONTENT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace charon::cmd {

class PathOrContent {
 public:
  // `flag_name` is the content flag's name without dashes ("objstore.config"); the path flag is
  // `flag_name` + "-file".
  explicit PathOrContent(std::string flag_name, bool required = false)
      : flag_name_(std::move(flag_name)), required_(required) {}

  const std::string& flag_name() const { return flag_name_; }
  std::string path_flag_name() const { return flag_name_ + "-file"; }
  bool required() const { return required_; }

  std::string path;     // --X-file
  std::string content;  // --X

  bool empty() const { return path.empty() && content.empty(); }

  // InvalidArgument when both flags are set, or when required and both are empty.
  [[nodiscard]] absl::Status Validate() const;

  // The file's bytes or the inline content, with every $(NAME) replaced by the environment
  // variable NAME (names of letters, digits and '_'). InvalidArgument as Validate, or when a
  // referenced variable is unset; NotFound/Unavailable when the file cannot be read. Empty when
  // neither flag is set and not required.
  absl::StatusOr<std::string> Content() const;

 private:
  std::string flag_name_;
  bool required_;
};

// $(NAME) substitution as Thanos does it for configuration flags. InvalidArgument naming the first
// unset variable. Exposed for tests.
absl::StatusOr<std::string> ExpandEnv(std::string_view s);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_PATH_OR_CONTENT_H_
