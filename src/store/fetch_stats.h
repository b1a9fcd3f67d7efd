// Counters of what one request touched and fetched, per data type (postings, series, chunks), as
// Thanos reports them in query stats and the thanos_bucket_store_series_data_* metrics.
#ifndef CHARON_STORE_FETCH_STATS_H_
#define CHARON_STORE_FETCH_STATS_H_

#include <atomic>
#include <cstdint>

namespace charon::store {

struct FetchStats {
  std::atomic<int64_t> postings_touched{0}, postings_touched_bytes{0};
  std::atomic<int64_t> postings_fetched{0}, postings_fetched_bytes{0}, postings_fetch_count{0};
  std::atomic<int64_t> series_touched{0}, series_touched_bytes{0};
  std::atomic<int64_t> series_fetched{0}, series_fetched_bytes{0}, series_fetch_count{0};
  std::atomic<int64_t> series_refetches{0};
  std::atomic<int64_t> chunks_touched{0}, chunks_touched_bytes{0};
  std::atomic<int64_t> chunks_fetched{0}, chunks_fetched_bytes{0}, chunks_fetch_count{0};
  std::atomic<int64_t> chunk_refetches{0};
};

}  // namespace charon::store

#endif  // CHARON_STORE_FETCH_STATS_H_
