#include "server/http/build_info.h"

#include "prometheus/gauge.h"

namespace charon::server::http {
namespace {

// Go's GOARCH names, which dashboards group by.
constexpr const char* kGoArch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#else
    "unknown";
#endif

}  // namespace

void RegisterBuildInfo(const BuildInfo& info, prometheus::Registry& registry) {
  prometheus::BuildGauge()
      .Name("thanos_build_info")
      .Help(
          "A metric with a constant '1' value labeled by version, revision, branch, goversion "
          "from which thanos was built, and the goos and goarch for the build.")
      .Register(registry)
      .Add({{"version", info.version},
            {"revision", info.revision},
            {"branch", info.branch},
            {"goversion", info.goversion},
            {"goos", "linux"},
            {"goarch", kGoArch},
            {"tags", "unknown"}})
      .Set(1);
}

}  // namespace charon::server::http
