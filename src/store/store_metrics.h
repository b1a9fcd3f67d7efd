// Metrics of the bucket store, with Thanos' names (thanos_bucket_store_*).
#ifndef CHARON_STORE_STORE_METRICS_H_
#define CHARON_STORE_STORE_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "store/fetch_stats.h"

namespace charon::store {

class StoreMetrics {
 public:
  explicit StoreMetrics(prometheus::Registry& registry);

  prometheus::Gauge& blocks_loaded;
  prometheus::Counter& block_loads;
  prometheus::Counter& block_load_failures;
  prometheus::Counter& block_drops;
  prometheus::Counter& block_drop_failures;
  prometheus::Gauge& blocks_last_loaded_timestamp;
  prometheus::Histogram& block_load_duration;
  prometheus::Histogram& series_get_all_duration;
  prometheus::Histogram& series_merge_duration;
  prometheus::Histogram& series_blocks_queried;
  prometheus::Histogram& series_result_series;
  prometheus::Counter& series_refetches;
  prometheus::Counter& chunk_refetches;
  prometheus::Counter& empty_postings;
  prometheus::Gauge& gate_queries_max;
  prometheus::Gauge& gate_queries_in_flight;
  prometheus::Counter& gate_queries_total;
  // Observed under thanos_bucket_store_series_gate_queries_duration_seconds (the gate's current
  // name) and thanos_bucket_store_series_gate_duration_seconds, which the mixin's store dashboard
  // and its ThanosStoreSeriesGateLatencyHigh alert read.
  struct GateDuration {
    prometheus::Histogram& current;
    prometheus::Histogram& legacy;
    void Observe(double seconds) {
      current.Observe(seconds);
      legacy.Observe(seconds);
    }
  };
  GateDuration gate_duration;

  void QueryDropped(const std::string& reason, const std::string& tenant);
  // Adds one request's touched/fetched figures to thanos_bucket_store_series_data_*.
  void ObserveFetch(const FetchStats& s);

 private:
  prometheus::Family<prometheus::Counter>& queries_dropped_;
  prometheus::Family<prometheus::Histogram>& data_touched_;
  prometheus::Family<prometheus::Histogram>& data_fetched_;
  prometheus::Family<prometheus::Histogram>& size_touched_;
  prometheus::Family<prometheus::Histogram>& size_fetched_;
};

}  // namespace charon::store

#endif  // CHARON_STORE_STORE_METRICS_H_
