// BucketStore::Series: validation, the gate, block selection, per-block streams and their merge.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "store/block_series_stream.h"
#include "store/bucket_store.h"
#include "store/limiter.h"
#include "store/request_status.h"
#include "store/series_merger.h"

namespace charon::store {
namespace {

double Seconds(absl::Time since) { return absl::ToDoubleSeconds(absl::Now() - since); }

}  // namespace

absl::Status BucketStore::Series(const SeriesRequest& req, SeriesSink& sink, SeriesResult* result) {
  return Logged("series", SeriesUnlogged(req, sink, result));
}

absl::Status BucketStore::SeriesUnlogged(const SeriesRequest& req, SeriesSink& sink,
                                         SeriesResult* result) {
  if (!Ready()) return NotReady();
  if (req.min_time > req.max_time) {
    return absl::InvalidArgumentError(absl::StrCat("invalid time range: min_time ", req.min_time,
                                                   " is greater than max_time ", req.max_time));
  }
  for (Aggr a : req.aggregates) {
    if (static_cast<int>(a) < 0 || static_cast<int>(a) > 5) {
      return absl::InvalidArgumentError(absl::StrCat("unknown aggregate ", static_cast<int>(a)));
    }
  }
  absl::Time gate_start = absl::Now();
  if (absl::Status s = req.call.Check(); !s.ok()) return s;
  if (absl::Status s = gate_.Enter(req.call); !s.ok()) {
    metrics_.gate_duration.Observe(Seconds(gate_start));
    return absl::Status(s.code(), absl::StrCat("failed to wait for turn: ", s.message()));
  }
  metrics_.gate_queries_total.Increment();
  metrics_.gate_duration.Observe(Seconds(gate_start));
  metrics_.gate_queries_in_flight.Set(gate_.in_flight());
  struct Leave {
    BucketStore* s;
    ~Leave() {
      s->gate_.Leave();
      s->metrics_.gate_queries_in_flight.Set(s->gate_.in_flight());
    }
  } leave{this};

  int64_t mint = std::max(req.min_time, MinTimeFlag());
  int64_t maxt = std::min(req.max_time, MaxTimeFlag());
  const std::string tenant = req.tenant;
  Limiter series_limiter("series", options_.series_limit,
                         [&] { metrics_.QueryDropped("series", tenant); });
  Limiter chunks_limiter("chunks", options_.samples_limit / 120,
                         [&] { metrics_.QueryDropped("chunks", tenant); });
  // Outlives the streams below: their fetches ahead use it until they are destroyed.
  QueryContext ctx(req.call, IoOptions(tenant));
  FetchStats& stats = ctx.stats();
  std::vector<Selected> selected;
  if (!req.matchers.empty() && mint <= maxt) selected = SelectSeriesBlocks(req, mint, maxt);

  absl::Time get_all_start = absl::Now();
  BlockQuery base;
  base.min_time = mint;
  base.max_time = maxt;
  base.skip_chunks = req.skip_chunks;
  base.aggregates = req.aggregates;
  base.without_replica_labels = req.without_replica_labels;
  base.shard_info = req.shard_info;
  base.limit = req.limit;
  // Labels of a whole batch are held per block and request: Thanos' 10000 would cost ~8 MB per
  // block, so entries are read 1024 at a time at most (more index reads, far less memory).
  base.batch_size = std::clamp<size_t>(options_.series_batch_size, 1, kMaxSeriesPerRead);
  base.chunks_per_fetch = std::max<size_t>(1, options_.chunks_per_fetch);
  base.estimated_series_size = options_.estimated_series_size;
  base.estimated_chunk_size = options_.estimated_chunk_size;
  base.series_limiter = &series_limiter;
  base.chunks_limiter = options_.samples_limit > 0 ? &chunks_limiter : nullptr;
  base.ctx = &ctx;
  std::vector<std::unique_ptr<BlockSeriesStream>> streams(selected.size());
  CHARON_RETURN_IF_ERROR(
      base::ParallelFor(IoPool(), selected.size(), options_.block_open_concurrency, [&](size_t i) {
        BlockQuery q = base;
        q.matchers = selected[i].matchers;
        CHARON_ASSIGN_OR_RETURN(streams[i], BlockSeriesStream::Open(selected[i].block, q));
        return absl::OkStatus();
      }));
  metrics_.series_get_all_duration.Observe(Seconds(get_all_start));
  metrics_.series_blocks_queried.Observe(static_cast<double>(selected.size()));
  if (result) {
    for (const auto& s : selected) result->queried_blocks.push_back(s.block->id());
  }

  absl::Time merge_start = absl::Now();
  SeriesMerger merger(std::move(streams));
  int64_t sent = 0;
  int64_t chunks_sent = 0;
  SeriesOut out;
  while (req.limit <= 0 || sent < req.limit) {
    // Merging and sending take CPU between fetches: notice a client gone there too.
    if (sent % 64 == 63) CHARON_RETURN_IF_ERROR(ctx.Check());
    CHARON_ASSIGN_OR_RETURN(std::optional<LoadedSeries> s, merger.Next());
    if (!s) break;
    out.labels = std::move(s->labels);
    out.chunks = std::move(s->chunks);
    chunks_sent += static_cast<int64_t>(out.chunks.size());
    absl::Status st = sink.Send(out);
    if (!st.ok()) return st;
    ++sent;
  }
  metrics_.series_merge_duration.Observe(Seconds(merge_start));
  metrics_.series_result_series.Observe(static_cast<double>(sent));
  metrics_.ObserveFetch(stats);
  if (result) {
    QueryStats& q = result->stats;
    q.blocks_queried = static_cast<int64_t>(selected.size());
    q.merged_series_count = sent;
    q.merged_chunks_count = chunks_sent;
    q.postings_touched = stats.postings_touched;
    q.postings_fetched = stats.postings_fetched;
    q.postings_fetched_size_sum = stats.postings_fetched_bytes;
    q.postings_fetch_count = stats.postings_fetch_count;
    q.series_touched = stats.series_touched;
    q.series_touched_size_sum = stats.series_touched_bytes;
    q.series_fetched = stats.series_fetched;
    q.series_fetched_size_sum = stats.series_fetched_bytes;
    q.series_fetch_count = stats.series_fetch_count;
    q.chunks_touched = stats.chunks_touched;
    q.chunks_touched_size_sum = stats.chunks_touched_bytes;
    q.chunks_fetched = stats.chunks_fetched;
    q.chunks_fetched_size_sum = stats.chunks_fetched_bytes;
    q.chunks_fetch_count = stats.chunks_fetch_count;
    q.data_downloaded_size_sum =
        stats.postings_fetched_bytes + stats.series_fetched_bytes + stats.chunks_fetched_bytes;
    q.get_all_duration_seconds = absl::ToDoubleSeconds(merge_start - get_all_start);
    q.merge_duration_seconds = Seconds(merge_start);
  }
  return absl::OkStatus();
}

}  // namespace charon::store
