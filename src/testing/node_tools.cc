#include "testing/node_tools.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::testing {

absl::StatusOr<std::string> NodeToolPath(std::string_view name) {
  const char* env = std::getenv("CHARON_SOURCE_DIR");
  std::string root = env != nullptr && *env != '\0' ? env : CHARON_SOURCE_ROOT;
  std::string path = absl::StrCat(root, "/tools/node/node_modules/.bin/", base::Absl(name));
  if (::access(path.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(path, " is missing: run scripts/install-deps.sh"));
  }
  return path;
}

}  // namespace charon::testing
