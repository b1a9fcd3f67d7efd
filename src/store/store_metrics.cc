#include "store/store_metrics.h"

namespace charon::store {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Histogram;

const Histogram::BucketBoundaries kDurations = {0.001, 0.01, 0.1, 0.3, 0.6, 1,  3,
                                                6,     9,    20,  30,  60,  90, 120};
const Histogram::BucketBoundaries kCounts = {1, 10, 100, 1000, 10000, 100000, 1000000};
const Histogram::BucketBoundaries kBytes = {
    1024, 32 * 1024, 256 * 1024, 1024 * 1024, 8 * 1024 * 1024, 32 * 1024 * 1024, 256 * 1024 * 1024};

prometheus::Counter& Counter(prometheus::Registry& r, const char* name, const char* help) {
  return BuildCounter().Name(name).Help(help).Register(r).Add({});
}
prometheus::Gauge& Gauge(prometheus::Registry& r, const char* name, const char* help) {
  return BuildGauge().Name(name).Help(help).Register(r).Add({});
}
prometheus::Histogram& Hist(prometheus::Registry& r, const char* name, const char* help,
                            const Histogram::BucketBoundaries& b) {
  return BuildHistogram().Name(name).Help(help).Register(r).Add({}, b);
}

}  // namespace

StoreMetrics::StoreMetrics(prometheus::Registry& r)
    : blocks_loaded(
          Gauge(r, "thanos_bucket_store_blocks_loaded", "Number of currently loaded blocks.")),
      block_loads(Counter(r, "thanos_bucket_store_block_loads_total",
                          "Total number of remote block loading attempts.")),
      block_load_failures(Counter(r, "thanos_bucket_store_block_load_failures_total",
                                  "Total number of failed remote block loading attempts.")),
      block_drops(Counter(r, "thanos_bucket_store_block_drops_total",
                          "Total number of local blocks that were dropped.")),
      block_drop_failures(Counter(r, "thanos_bucket_store_block_drop_failures_total",
                                  "Total number of local blocks that failed to be dropped.")),
      blocks_last_loaded_timestamp(Gauge(r,
                                         "thanos_bucket_store_blocks_last_loaded_timestamp_seconds",
                                         "Timestamp when last block got loaded.")),
      block_load_duration(Hist(r, "thanos_bucket_store_block_load_duration_seconds",
                               "The total time taken to load a block.", kDurations)),
      series_get_all_duration(
          Hist(r, "thanos_bucket_store_series_get_all_duration_seconds",
               "Time it takes until all per-block prepares and loads for a query are finished.",
               kDurations)),
      series_merge_duration(
          Hist(r, "thanos_bucket_store_series_merge_duration_seconds",
               "Time it takes to merge sub-results from all queried blocks into a single result.",
               kDurations)),
      series_blocks_queried(Hist(
          r, "thanos_bucket_store_series_blocks_queried",
          "Number of blocks in a bucket store that were touched to satisfy a query.", kCounts)),
      series_result_series(Hist(r, "thanos_bucket_store_series_result_series",
                                "Number of series observed in the final result of a query.",
                                kCounts)),
      series_refetches(Counter(r, "thanos_bucket_store_series_refetches_total",
                               "Total number of cases where configured estimated series bytes was "
                               "not enough was to fetch series from index, resulting in refetch.")),
      chunk_refetches(
          Counter(r, "thanos_bucket_store_chunk_refetches_total",
                  "Total number of cases where configured estimated chunk bytes was not enough was "
                  "to fetch chunks from object store, resulting in refetch.")),
      empty_postings(Counter(r, "thanos_bucket_store_empty_postings_total",
                             "Total number of empty postings when fetching block series.")),
      gate_queries_max(Gauge(r, "thanos_bucket_store_series_gate_queries_max",
                             "Maximum number of concurrently executing queries.")),
      gate_queries_in_flight(Gauge(r, "thanos_bucket_store_series_gate_queries_in_flight",
                                   "Number of queries that are currently in flight.")),
      gate_queries_total(
          Counter(r, "thanos_bucket_store_series_gate_queries_total", "Total number of queries.")),
      gate_duration{Hist(r, "thanos_bucket_store_series_gate_queries_duration_seconds",
                         "How many seconds it took for queries to wait at the gate.", kDurations),
                    Hist(r, "thanos_bucket_store_series_gate_duration_seconds",
                         "How many seconds it took for queries to wait at the gate.", kDurations)},
      queries_dropped_(BuildCounter()
                           .Name("thanos_bucket_store_queries_dropped_total")
                           .Help("Number of queries that were dropped due to the limit.")
                           .Register(r)),
      data_touched_(BuildHistogram()
                        .Name("thanos_bucket_store_series_data_touched")
                        .Help("Number of items of a data type touched to fulfill a single Store "
                              "API series request.")
                        .Register(r)),
      data_fetched_(BuildHistogram()
                        .Name("thanos_bucket_store_series_data_fetched")
                        .Help("Number of items of a data type retrieved to fulfill a single Store "
                              "API series request.")
                        .Register(r)),
      size_touched_(BuildHistogram()
                        .Name("thanos_bucket_store_series_data_size_touched_bytes")
                        .Help("Total size of items of a data type touched to fulfill a single "
                              "Store API series request in Bytes.")
                        .Register(r)),
      size_fetched_(BuildHistogram()
                        .Name("thanos_bucket_store_series_data_size_fetched_bytes")
                        .Help("Total size of items of a data type fetched to fulfill a single "
                              "Store API series request in Bytes.")
                        .Register(r)) {}

void StoreMetrics::QueryDropped(const std::string& reason, const std::string& tenant) {
  queries_dropped_.Add({{"reason", reason}, {"tenant", tenant}}).Increment();
}

void StoreMetrics::ObserveFetch(const FetchStats& s) {
  auto obs = [](prometheus::Family<Histogram>& f, const char* type,
                const Histogram::BucketBoundaries& b, int64_t v) {
    f.Add({{"data_type", type}}, b).Observe(static_cast<double>(v));
  };
  obs(data_touched_, "postings", kCounts, s.postings_touched);
  obs(data_touched_, "series", kCounts, s.series_touched);
  obs(data_touched_, "chunks", kCounts, s.chunks_touched);
  obs(data_fetched_, "postings", kCounts, s.postings_fetched);
  obs(data_fetched_, "series", kCounts, s.series_fetched);
  obs(data_fetched_, "chunks", kCounts, s.chunks_fetched);
  obs(size_touched_, "postings", kBytes, s.postings_touched_bytes);
  obs(size_touched_, "series", kBytes, s.series_touched_bytes);
  obs(size_touched_, "chunks", kBytes, s.chunks_touched_bytes);
  obs(size_fetched_, "postings", kBytes, s.postings_fetched_bytes);
  obs(size_fetched_, "series", kBytes, s.series_fetched_bytes);
  obs(size_fetched_, "chunks", kBytes, s.chunks_fetched_bytes);
  series_refetches.Increment(static_cast<double>(s.series_refetches));
  chunk_refetches.Increment(static_cast<double>(s.chunk_refetches));
}

}  // namespace charon::store
