// POST /api/v1/read: Prometheus remote read served from the store's query interface, so that it
// shares the StoreAPI's gate, limits and memory bounds.
//
// Each query of the ReadRequest becomes one StoreApi::Series call (raw chunks, the query's time
// range and matchers, `without_replica_labels` from the options); series carry the blocks'
// external labels as StoreAPI series do. The answer type is the first one the client accepts:
//   SAMPLES              XOR chunks decoded, samples cut to [start, end], one snappy ReadResponse;
//                        at most `sample_limit` samples in all (HTTP 400 beyond, as Prometheus).
//                        Native histogram chunks are refused with HTTP 400 naming the series.
//   STREAMED_XOR_CHUNKS  chunks passed through undecoded, series in label order, one series per
//                        frame and at most `max_bytes_in_frame` bytes per frame; sent as the store
//                        produces them, so memory per request stays near one frame batch.
// Bad requests get HTTP 400 with the reason; store errors 400 for limits (ResourceExhausted) and
// bad arguments, 503 when the store is not ready or unavailable, 500 otherwise. After the first
// streamed frame an error can only be written into the stream (the client sees a corrupted one).
// At most `concurrent_limit` requests run at once; the others wait, as in Prometheus.
//
// Thread-safe: Handle runs on the HTTP server's worker threads.
#ifndef CHARON_SERVER_HTTP_REMOTE_READ_HANDLER_H_
#define CHARON_SERVER_HTTP_REMOTE_READ_HANDLER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "cache/matchers_cache.h"
#include "server/http/http_handler.h"
#include "store/store_api.h"

namespace charon::server::http {

// Defaults equal Prometheus' --storage.remote.read-* defaults.
struct RemoteReadOptions {
  int concurrent_limit = 10;             // --remote-read.concurrent-limit; 0 = no limit
  int64_t sample_limit = 50'000'000;     // --remote-read.sample-limit; SAMPLES only; 0 = no limit
  int64_t max_bytes_in_frame = 1 << 20;  // --remote-read.max-bytes-in-frame
  std::vector<std::string> without_replica_labels;  // --remote-read.replica-label
  // --matcher-cache-size above 0: the queries' matchers are compiled through it. Null = none.
  // Must outlive the handler.
  cache::MatchersCache* matchers_cache = nullptr;
};

class RemoteReadHandler {
 public:
  // `store` returns the store to query, or nullptr while it is not started (HTTP 503). It is called
  // once per request and what it returns must stay valid for the request.
  RemoteReadHandler(RemoteReadOptions options, std::function<store::StoreApi*()> store);

  HttpResponse Handle(const HttpRequest& request);

 private:
  class Slot;

  RemoteReadOptions options_;
  std::function<store::StoreApi*()> store_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_REMOTE_READ_HANDLER_H_
