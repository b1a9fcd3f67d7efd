// /debug/pprof endpoints backed by gperftools. The profiles are in gperftools' formats, which the
// `pprof` tool reads just as it reads Go's (`pprof -http=: charon <profile>`).
//
// CPU: libprofiler samples on SIGPROF; one profile at a time per process.
// Heap: needs tcmalloc as the process allocator (linked unless built with sanitizers) and sampling
// switched on at process start, because tcmalloc reads its sampling rate only from the environment:
// TCMALLOC_SAMPLE_PARAMETER=524288 samples every 512 KiB allocated, like Go's default
// runtime.MemProfileRate; HEAPPROFILE=<prefix> runs the full heap profiler instead. Otherwise the
// heap endpoint answers 501 and says so.
#ifndef CHARON_SERVER_HTTP_PPROF_HANDLERS_H_
#define CHARON_SERVER_HTTP_PPROF_HANDLERS_H_

#include <functional>

#include "absl/time/time.h"
#include "server/http/http_handler.h"

namespace charon::server::http {

// Waits for `d` or less (server shutdown cuts it short).
using InterruptibleSleep = std::function<void(absl::Duration d)>;

// GET /debug/pprof/profile?seconds=N (default 30, as Go). 200 with the profile; 500 when another
// CPU profile is running or the temp file cannot be written.
HttpResponse CpuProfile(const HttpRequest& request, const InterruptibleSleep& sleep);

// GET /debug/pprof/heap. 200 with the profile; 501 when heap profiling is unavailable (see above).
HttpResponse HeapProfile(const HttpRequest& request);

// GET /debug/pprof/: a plain-text index of the above.
HttpResponse PprofIndex(const HttpRequest& request);

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_PPROF_HANDLERS_H_
