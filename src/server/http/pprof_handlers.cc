#include "server/http/pprof_handlers.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/tcmalloc.h"
#include "gperftools/profiler.h"

namespace charon::server::http {
namespace {

constexpr int64_t kDefaultProfileSeconds = 30;

HttpResponse Profile(std::string body, const char* filename) {
  HttpResponse r;
  r.content_type = "application/octet-stream";
  r.headers.emplace_back("Content-Disposition",
                         absl::StrCat("attachment; filename=\"", filename, "\""));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.body = std::move(body);
  return r;
}

std::string TempTemplate() {
  const char* dir = std::getenv("TMPDIR");
  return absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/charon-cpu-XXXXXX");
}

}  // namespace

HttpResponse CpuProfile(const HttpRequest& request, const InterruptibleSleep& sleep) {
  // Like Go's pprof handler: a missing, malformed or non-positive value means the default.
  int64_t seconds = kDefaultProfileSeconds;
  if (std::optional<std::string> s = request.QueryParam("seconds")) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec == std::errc() && ptr == s->data() + s->size() && v > 0) seconds = v;
  }

  std::string path = TempTemplate();
  int fd = mkstemp(path.data());
  if (fd < 0) {
    return HttpResponse::Text(
        500, absl::StrCat("Could not create CPU profile file: ", std::strerror(errno), "\n"));
  }
  close(fd);
  if (ProfilerStart(path.c_str()) == 0) {
    unlink(path.c_str());
    return HttpResponse::Text(500,
                              "Could not enable CPU profiling: cpu profiling already in use\n");
  }
  sleep(absl::Seconds(seconds));
  ProfilerStop();

  std::ifstream in(path, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  unlink(path.c_str());
  if (!in) return HttpResponse::Text(500, "Could not read CPU profile\n");
  return Profile(std::move(body).str(), "profile");
}

HttpResponse HeapProfile(const HttpRequest&) {
  if (!base::TcmallocLinked()) {
    return HttpResponse::Text(
        501, "Heap profiling needs tcmalloc as the allocator; this binary was built without it.\n");
  }
  std::optional<std::string> profile = base::TcmallocHeapProfile();
  if (profile.has_value()) return Profile(*std::move(profile), "heap");
  return HttpResponse::Text(501,
                            "Heap profiling is off. tcmalloc reads its sampling rate only at "
                            "process start: run charon with "
                            "TCMALLOC_SAMPLE_PARAMETER=524288 (sample every 512 KiB allocated) or "
                            "HEAPPROFILE=<file prefix>.\n");
}

HttpResponse PprofIndex(const HttpRequest&) {
  return HttpResponse::Text(200,
                            "Profiles in gperftools format; read them with pprof.\n"
                            "/debug/pprof/profile?seconds=30  CPU profile\n"
                            "/debug/pprof/heap                heap profile (needs "
                            "TCMALLOC_SAMPLE_PARAMETER or HEAPPROFILE at start)\n");
}

}  // namespace charon::server::http
