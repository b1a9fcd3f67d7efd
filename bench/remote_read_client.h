// A remote-read client for the remote-read benchmark rows: POSTs a snappy ReadRequest asking for
// one response type and counts the answer. It speaks to Charon's /api/v1/read and to Prometheus'
// alike.
//
// STREAMED_XOR_CHUNKS answers are checked frame by frame (CRC-32C) and scanned without building
// protobuf objects, so the client's cost stays small next to the server's; SAMPLES answers are
// decompressed and parsed (that is the type's cost for any client).
//
// One client holds one libcurl handle and so one keep-alive connection; use one per thread.
// Errors: Unavailable when the request fails or the status is not 200 (with the body's start);
// DataLoss for a corrupt stream; Internal for an unparsable answer.
#ifndef CHARON_BENCH_REMOTE_READ_CLIENT_H_
#define CHARON_BENCH_REMOTE_READ_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bench/query_set.h"

namespace charon::bench {

enum class RemoteReadType { kSamples = 0, kStreamed = 1 };

struct RemoteReadCounts {
  int64_t series = 0;      // distinct series
  int64_t samples = 0;     // SAMPLES only
  int64_t chunks = 0;      // STREAMED only
  int64_t frames = 0;      // STREAMED only
  int64_t wire_bytes = 0;  // response body bytes
};

class RemoteReadClient {
 public:
  // `url` like http://127.0.0.1:9090/api/v1/read.
  static absl::StatusOr<std::unique_ptr<RemoteReadClient>> Create(std::string url,
                                                                  double timeout_seconds = 600);
  ~RemoteReadClient();
  RemoteReadClient(const RemoteReadClient&) = delete;
  RemoteReadClient& operator=(const RemoteReadClient&) = delete;

  absl::StatusOr<RemoteReadCounts> Call(const BenchQuery& q, RemoteReadType type);

 private:
  struct Curl;
  RemoteReadClient(std::string url, std::unique_ptr<Curl> curl);

  std::string url_;
  std::unique_ptr<Curl> curl_;
  std::string body_;  // reused between calls
};

// Counts a STREAMED_XOR_CHUNKS body (exposed for tests).
absl::StatusOr<RemoteReadCounts> CountStreamed(std::string_view body);

}  // namespace charon::bench

#endif  // CHARON_BENCH_REMOTE_READ_CLIENT_H_
