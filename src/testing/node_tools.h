// Paths of the npm-installed test servers (tools/node: s3rver, azurite), which
// scripts/install-deps.sh installs.
#ifndef CHARON_TESTING_NODE_TOOLS_H_
#define CHARON_TESTING_NODE_TOOLS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace charon::testing {

// <source dir>/tools/node/node_modules/.bin/<name> ($CHARON_SOURCE_DIR, set by ctest, else the
// source dir this was compiled from). NotFound, naming the install command, when it is missing.
absl::StatusOr<std::string> NodeToolPath(std::string_view name);

}  // namespace charon::testing

#endif  // CHARON_TESTING_NODE_TOOLS_H_
