// QueryContext: what every fetch of one request shares: the caller's CallContext (deadline,
// cancellation), the bound on the request's bucket requests in flight and the process-wide one,
// the downloaded-bytes limit, the fetch statistics and the threads that run the waiting.
//
// Bucket requests of a query run on an I/O pool of their own, bounded by request slots rather
// than by the number of cores: a remote bucket request mostly waits. One QueryContext per
// request, shared by its blocks; thread-safe.
#ifndef CHARON_STORE_QUERY_CONTEXT_H_
#define CHARON_STORE_QUERY_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/parallel.h"
#include "cache/index_cache.h"
#include "store/block.h"
#include "store/fetch_stats.h"
#include "store/gate.h"
#include "store/limiter.h"
#include "store/memory_budget.h"
#include "store/store_api.h"

namespace charon::store {

struct QueryIoOptions {
  // Bucket requests in flight for one request (0 = unbounded).
  int requests_per_query = 128;
  // Shared by every request of the process; may be null (unbounded).
  Gate* process_requests = nullptr;
  // --store.grpc.downloaded-bytes-limit (0 = unlimited).
  uint64_t downloaded_bytes_limit = 0;
  // Runs once, on the first request over the downloaded-bytes limit (metrics).
  std::function<void()> on_bytes_limit;
  // --chunk-pool-size, shared by every request; may be null (unbounded).
  MemoryBudget* budget = nullptr;
  // Postings, expanded postings and series entries are looked up here before the bucket, and
  // stored here after it; may be null (no index cache).
  cache::IndexCache* index_cache = nullptr;
};

class QueryContext {
 public:
  QueryContext(const CallContext& call, QueryIoOptions options);

  const CallContext& call() const { return call_; }
  // Cancelled or DeadlineExceeded once the client went away or its deadline passed.
  absl::Status Check() const { return call_.Check(); }

  // One ranged read of `object` of `block` for `what` ("postings", "series", "chunks"): counts
  // `length` against the downloaded-bytes limit (ResourceExhausted "exceeded bytes limit while
  // fetching <what>: ..."), reserves it in the memory budget (`lease` holds it; see
  // MemoryBudget for the errors), waits for a request slot of the query and of the process
  // (giving up with the call), then reads. Bucket errors name the block (see BlockReadError).
  absl::StatusOr<std::string> GetRange(const Block& block, std::string_view what,
                                       const std::string& object, int64_t offset, int64_t length,
                                       BudgetLease* lease);

  // Runs fn(i) for i in [0, n) concurrently on the I/O pool, as many at once as request slots of
  // the query allow; the first error wins and the rest are skipped.
  absl::Status ParallelFor(size_t n, const std::function<absl::Status(size_t)>& fn);

  // Whether the memory budget has room for `n` more bytes now (for fetching ahead: a batch that
  // would not fit is not fetched ahead but when it is needed).
  bool HasRoomFor(uint64_t n) const;

  // Bucket requests started by this query (every GetRange that reached the bucket).
  int64_t requests() const { return requests_.load(); }

  FetchStats& stats() { return stats_; }
  cache::IndexCache* index_cache() const { return options_.index_cache; }

 private:
  const CallContext& call_;
  QueryIoOptions options_;
  Gate query_requests_;
  Limiter bytes_;
  std::atomic<int64_t> requests_{0};
  std::atomic<uint64_t> held_{0};  // bytes of the memory budget this request holds
  FetchStats stats_;
};

// The process-wide pool bucket requests of queries run on. Threads are started as needed.
base::WorkerPool& IoPool();

}  // namespace charon::store

#endif  // CHARON_STORE_QUERY_CONTEXT_H_
