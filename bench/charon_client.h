// A StoreAPI client for the benchmark: Series read as a stream and counted message by message
// (one reused SeriesResponse, nothing kept), LabelNames and LabelValues as unary calls.
//
// Each client owns its own channel (and so its own HTTP/2 connection), so that concurrent clients
// do not share one connection's flow control; use one client per thread.
// Errors: the gRPC status of the call; Internal when the answer carries warnings.
#ifndef CHARON_BENCH_CHARON_CLIENT_H_
#define CHARON_BENCH_CHARON_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/call_counts.h"
#include "bench/query_set.h"

namespace charon::bench {

class CharonClient {
 public:
  // `address` is host:port. `batch_size` is sent as SeriesRequest.response_batch_size; a call
  // that takes longer than `timeout_seconds` fails with DeadlineExceeded.
  static absl::StatusOr<std::unique_ptr<CharonClient>> Connect(const std::string& address,
                                                               int batch_size = 0,
                                                               double timeout_seconds = 600);
  ~CharonClient();
  CharonClient(const CharonClient&) = delete;
  CharonClient& operator=(const CharonClient&) = delete;

  // Runs `q`. With `capture`, each response message is also stored there, serialized.
  absl::StatusOr<CallCounts> Call(const BenchQuery& q, std::vector<std::string>* capture = nullptr);

  // Parses and counts messages captured by Call as Call does; for measuring the client's cost.
  static absl::StatusOr<CallCounts> Decode(const BenchQuery& q,
                                           const std::vector<std::string>& captured);

 private:
  struct Stubs;
  CharonClient(std::unique_ptr<Stubs> stubs, int batch_size, double timeout_seconds);

  std::unique_ptr<Stubs> stubs_;
  int batch_size_;
  double timeout_seconds_;
};

}  // namespace charon::bench

#endif  // CHARON_BENCH_CHARON_CLIENT_H_
