// A Prometheus 2.x client for the benchmark: remote read with STREAMED_XOR_CHUNKS for series
// queries (HTTP POST of a snappy-compressed prompb ReadRequest; the chunked answer is checked and
// counted frame by frame as it arrives), and the HTTP JSON API for series-only and label queries.
//
// One client holds one libcurl handle and so one keep-alive connection; use one per thread.
// Errors: Unavailable when the request fails or the status is not 200 (message holds the body's
// start); DataLoss for a corrupt stream; Internal for an unparsable answer.
#ifndef CHARON_BENCH_PROMETHEUS_CLIENT_H_
#define CHARON_BENCH_PROMETHEUS_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bench/call_counts.h"
#include "bench/query_set.h"

namespace charon::bench {

class PrometheusClient {
 public:
  // `base_url` like http://127.0.0.1:9090. A call that takes longer than `timeout_seconds` fails
  // with Unavailable.
  static absl::StatusOr<std::unique_ptr<PrometheusClient>> Create(std::string base_url,
                                                                  double timeout_seconds = 600);
  ~PrometheusClient();
  PrometheusClient(const PrometheusClient&) = delete;
  PrometheusClient& operator=(const PrometheusClient&) = delete;

  // Runs `q`. With `capture`, the raw response body is also stored there.
  absl::StatusOr<CallCounts> Call(const BenchQuery& q, std::string* capture = nullptr);

  // Decodes a body captured by Call exactly as Call does while it streams; for measuring the
  // client's own cost.
  static absl::StatusOr<CallCounts> Decode(const BenchQuery& q, std::string_view body);

 private:
  struct Curl;
  explicit PrometheusClient(std::string base_url, std::unique_ptr<Curl> curl);

  absl::StatusOr<CallCounts> RemoteRead(const BenchQuery& q, std::string* capture);
  absl::StatusOr<CallCounts> GetJson(const BenchQuery& q, std::string* capture);

  std::string base_url_;
  std::unique_ptr<Curl> curl_;
};

}  // namespace charon::bench

#endif  // CHARON_BENCH_PROMETHEUS_CLIENT_H_
