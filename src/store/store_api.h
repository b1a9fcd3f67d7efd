// The store's query interface, free of protobuf: what the gRPC adapter (server/grpc) converts
// StoreAPI requests into, and what it streams back. Field meanings follow Thanos' StoreAPI
// (thanos.Store Series/LabelNames/LabelValues/Info); see the design notes for semantics.
#ifndef CHARON_STORE_STORE_API_H_
#define CHARON_STORE_STORE_API_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"

namespace charon::store {

// StoreAPI Aggr enum values.
enum class Aggr { kRaw = 0, kCount = 1, kSum = 2, kMin = 3, kMax = 4, kCounter = 5 };

// What the caller of one request tells the store about its lifetime: the client's deadline and
// whether it went away. The store checks it at the gate, before every bucket request and between
// batches, and stops the request with Cancelled or DeadlineExceeded.
struct CallContext {
  absl::Time deadline = absl::InfiniteFuture();
  // Polled (it may be called often and from several threads); empty = never cancelled.
  std::function<bool()> cancelled;

  // Cancelled if the client went away, DeadlineExceeded past the deadline, else OK.
  absl::Status Check() const {
    if (cancelled && cancelled()) return absl::CancelledError("request cancelled by the client");
    if (deadline != absl::InfiniteFuture() && absl::Now() >= deadline) {
      return absl::DeadlineExceededError("request deadline exceeded");
    }
    return absl::OkStatus();
  }
};

struct ShardInfo {
  int64_t shard_index = 0;
  int64_t total_shards = 0;
  bool by = false;
  std::vector<std::string> labels;
};

struct SeriesRequest {
  int64_t min_time = std::numeric_limits<int64_t>::min();
  int64_t max_time = std::numeric_limits<int64_t>::max();
  std::vector<tsdb::Matcher> matchers;
  int64_t max_resolution_window = 0;
  std::vector<Aggr> aggregates;
  bool skip_chunks = false;
  std::vector<std::string> without_replica_labels;
  int64_t limit = 0;  // max series returned; 0 = no limit
  std::optional<ShardInfo> shard_info;
  // From hints (hintspb.SeriesRequestHints).
  std::vector<tsdb::Matcher> block_matchers;
  bool enable_query_stats = false;
  // Tenant from the thanos-tenant gRPC metadata, for metric labels.
  std::string tenant = "default-tenant";
  CallContext call;
};

// One StoreAPI chunk: storepb encoding (XOR=0, HISTOGRAM=1, FLOAT_HISTOGRAM=2), the raw chunk data
// (no length, encoding byte or CRC) and its xxHash64.
struct ChunkData {
  int32_t encoding = 0;
  std::string_view data;  // valid until the SeriesSink::Send call that carries it returns
  uint64_t hash = 0;
};

struct AggrChunk {
  int64_t min_time = 0;
  int64_t max_time = 0;
  std::optional<ChunkData> raw, count, sum, min, max, counter;
};

struct SeriesOut {
  tsdb::Labels labels;  // sorted by name; external labels added, replica labels removed
  std::vector<AggrChunk> chunks;
};

// Receives the series of one Series call in label order. Send() returning non-OK (client gone)
// stops the call with that status.
class SeriesSink {
 public:
  virtual ~SeriesSink() = default;
  virtual absl::Status Send(const SeriesOut& series) = 0;
};

struct QueryStats {
  int64_t blocks_queried = 0, merged_series_count = 0, merged_chunks_count = 0;
  int64_t postings_touched = 0, postings_touched_size_sum = 0, postings_fetched = 0,
          postings_fetched_size_sum = 0, postings_fetch_count = 0;
  int64_t series_touched = 0, series_touched_size_sum = 0, series_fetched = 0,
          series_fetched_size_sum = 0, series_fetch_count = 0;
  int64_t chunks_touched = 0, chunks_touched_size_sum = 0, chunks_fetched = 0,
          chunks_fetched_size_sum = 0, chunks_fetch_count = 0;
  int64_t data_downloaded_size_sum = 0;
  double get_all_duration_seconds = 0, merge_duration_seconds = 0;
};

struct SeriesResult {
  std::vector<std::string> queried_blocks;  // ULIDs
  QueryStats stats;
};

// The selection of a LabelNames call; LabelValues asks the same of one label.
struct LabelNamesRequest {
  int64_t start = std::numeric_limits<int64_t>::min();
  int64_t end = std::numeric_limits<int64_t>::max();
  std::vector<tsdb::Matcher> matchers;
  std::vector<std::string> without_replica_labels;
  int64_t limit = 0;
  std::vector<tsdb::Matcher> block_matchers;
  std::string tenant = "default-tenant";
  CallContext call;
};

struct LabelValuesRequest : LabelNamesRequest {
  std::string label;
};

struct LabelsResult {
  std::vector<std::string> values;  // sorted, unique
  std::vector<std::string> queried_blocks;
};

struct TsdbInfo {
  tsdb::Labels labels;
  int64_t min_time = 0;
  int64_t max_time = 0;
};

struct StoreInfo {
  int64_t min_time = std::numeric_limits<int64_t>::max();  // no blocks: (MaxInt64, MinInt64)
  int64_t max_time = std::numeric_limits<int64_t>::min();
  std::vector<tsdb::Labels> label_sets;  // one per external-label set, sorted
  std::vector<TsdbInfo> tsdb_infos;
};

// What the gRPC layer serves. Implemented by BucketStore. Thread-safe.
//
// Status codes: InvalidArgument for bad requests (min_time > max_time, unknown aggregate),
// ResourceExhausted for limits, Unavailable/NotFound for bucket errors (message names the block
// ULID), DataLoss for corrupt block data (names the block), Cancelled when the sink fails or the
// client went away, DeadlineExceeded past the request's deadline.
class StoreApi {
 public:
  virtual ~StoreApi() = default;
  virtual absl::Status Series(const SeriesRequest& req, SeriesSink& sink, SeriesResult* result) = 0;
  virtual absl::StatusOr<LabelsResult> LabelNames(const LabelNamesRequest& req) = 0;
  virtual absl::StatusOr<LabelsResult> LabelValues(const LabelValuesRequest& req) = 0;
  virtual StoreInfo Info() = 0;
  // False until the initial sync finished.
  virtual bool Ready() const = 0;
};

}  // namespace charon::store

#endif  // CHARON_STORE_STORE_API_H_
