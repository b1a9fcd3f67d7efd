#include "store/query_context.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::store {

base::WorkerPool& IoPool() {
  // Threads mostly wait on the network; the request slots, not this maximum, bound the requests.
  static base::WorkerPool* pool = new base::WorkerPool(1024);
  return *pool;
}

QueryContext::QueryContext(const CallContext& call, QueryIoOptions options)
    : call_(call),
      options_(std::move(options)),
      query_requests_(options_.requests_per_query),
      bytes_("bytes", options_.downloaded_bytes_limit, options_.on_bytes_limit) {}

absl::StatusOr<std::string> QueryContext::GetRange(const Block& block, std::string_view what,
                                                   const std::string& object, int64_t offset,
                                                   int64_t length, BudgetLease* lease) {
  if (absl::Status s = bytes_.Reserve(static_cast<uint64_t>(std::max<int64_t>(0, length)),
                                      absl::StrCat("while fetching ", base::Absl(what)));
      !s.ok()) {
    return s;
  }
  if (options_.budget) {
    auto n = static_cast<uint64_t>(std::max<int64_t>(0, length));
    if (absl::Status s = options_.budget->Reserve(n, held_.load(), call_); !s.ok()) return s;
    held_.fetch_add(n);
    *lease = BudgetLease(options_.budget, &held_, n);
  }
  if (absl::Status s = query_requests_.Enter(call_); !s.ok()) return s;
  GateSlot query_slot(&query_requests_);
  GateSlot process_slot;
  if (options_.process_requests) {
    if (absl::Status s = options_.process_requests->Enter(call_); !s.ok()) return s;
    process_slot = GateSlot(options_.process_requests);
  }
  // A request queued behind others may find its client gone.
  if (absl::Status s = call_.Check(); !s.ok()) return s;
  requests_.fetch_add(1);
  auto got = block.bucket().GetRange(object, offset, length);
  if (!got.ok()) return BlockReadError(block, what, got.status());
  return got;
}

bool QueryContext::HasRoomFor(uint64_t n) const {
  const MemoryBudget* b = options_.budget;
  // Fetching ahead uses at most half the budget: the rest is for batches the merge waits for.
  return b == nullptr || b->capacity() == 0 || b->used() + n <= b->capacity() / 2;
}

absl::Status QueryContext::ParallelFor(size_t n, const std::function<absl::Status(size_t)>& fn) {
  int concurrency = options_.requests_per_query > 0 ? options_.requests_per_query : 1024;
  return base::ParallelFor(IoPool(), n, concurrency, fn);
}

}  // namespace charon::store
