// thanos_build_info: a gauge of constant 1 labelled with what the binary was built from, under the
// name and labels of the Prometheus version collector Thanos registers, so the mixin's overview and
// version panels show Charon's version beside Thanos components.
#ifndef CHARON_SERVER_HTTP_BUILD_INFO_H_
#define CHARON_SERVER_HTTP_BUILD_INFO_H_

#include <string>

#include "prometheus/registry.h"

namespace charon::server::http {

struct BuildInfo {
  std::string version;   // "0.1.0-dev"
  std::string revision;  // git commit at configure time, "unknown" outside a checkout
  std::string branch;    // git branch at configure time
  // Go's runtime.Version() in Thanos; the compiler that built Charon here ("gcc 12.2.0").
  std::string goversion;
};

// Registers thanos_build_info{version,revision,branch,goversion,goos,goarch,tags} = 1 in
// `registry`. Called once per registry.
void RegisterBuildInfo(const BuildInfo& info, prometheus::Registry& registry);

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_BUILD_INFO_H_
