#include "cmd/charon/build_version.h"

#include "absl/strings/str_cat.h"

#ifndef CHARON_VERSION
#define CHARON_VERSION "unknown"
#endif
#ifndef CHARON_REVISION
#define CHARON_REVISION "unknown"
#endif
#ifndef CHARON_BRANCH
#define CHARON_BRANCH "unknown"
#endif

namespace charon::cmd {

server::http::BuildInfo CharonBuildInfo() {
  server::http::BuildInfo info;
  info.version = CHARON_VERSION;
  info.revision = CHARON_REVISION;
  info.branch = CHARON_BRANCH;
#if defined(__clang__)
  info.goversion =
      absl::StrCat("clang ", __clang_major__, ".", __clang_minor__, ".", __clang_patchlevel__);
#elif defined(__GNUC__)
  info.goversion = absl::StrCat("gcc ", __GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__);
#else
  info.goversion = "unknown";
#endif
  return info;
}

}  // namespace charon::cmd
