// What this binary was built from, for `--version` and thanos_build_info. The revision and branch
// are read from git when CMake configures the tree ("unknown" outside a checkout), so a rebuild
// without reconfiguring keeps the previous values.
#ifndef CHARON_CMD_CHARON_BUILD_VERSION_H_
#define CHARON_CMD_CHARON_BUILD_VERSION_H_

#include "server/http/build_info.h"

namespace charon::cmd {

server::http::BuildInfo CharonBuildInfo();

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_BUILD_VERSION_H_
