// The data set of the Prometheus conformance test: the same samples written twice, as Thanos-style
// blocks for Charon's bucket (external labels in meta.json only) and as plain blocks for
// Prometheus (external labels as ordinary series labels).
//
// Three block groups, all starting at t0 (a multiple of 2h):
//   eu        {cluster="eu", replica="a"}  [t0, t0+6h) every 60s -> three adjacent 2h blocks
//   us-early  {cluster="us"}               [t0, t0+4h) every 60s -> two adjacent 2h blocks
//   us-late   {cluster="us"}               [t0+3h, t0+6h) every 30s -> [t0+3h, t0+4h), [t0+4h,
//   t0+6h)
// us-early and us-late overlap in [t0+3h, t0+4h): same external labels, the same value at every
// shared timestamp, and us-late's extra samples in between. Overlaps stay inside one 2h window, so
// Prometheus' vertical compaction of its copy changes no block's time range (label APIs select
// whole blocks by time).
// Each group holds ~110 series: job/instance/method/code counters, per-cpu gauges, `up`, the
// prefix family m{} m{a} m{a,b}, label values with regex metacharacters, quotes, backslashes,
// newlines and non-ASCII text, case variants, an optional label, special float values (no NaN:
// range selectors drop stale markers), a sparse series with samples on both sides of block edges,
// a series only in [t0+2h, t0+4h), and (not in us-late) a histogram family.
// Values are a function of the series and the timestamp only, which is what makes overlapping
// groups agree. Deterministic for a given t0, so promtool's output comes from the fixture cache.
#ifndef CHARON_TESTS_E2E_CONFORMANCE_DATA_H_
#define CHARON_TESTS_E2E_CONFORMANCE_DATA_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "testing/block_fixtures.h"

namespace charon::e2e {

inline constexpr int64_t kMinuteMs = 60 * 1000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;

struct BlockGroup {
  std::string name;
  std::map<std::string, std::string> external_labels;
  int64_t start_ms = 0;  // first nominal sample time
  int64_t end_ms = 0;    // exclusive
  int64_t step_ms = 0;
  bool histograms = false;
  int prometheus_builder = 0;  // which Prometheus-side builder holds this group's copy
};

class ConformanceData {
 public:
  // `t0` must be a multiple of 2h.
  explicit ConformanceData(int64_t t0);

  int64_t t0() const { return t0_; }
  int64_t end() const { return t0_ + 6 * kHourMs; }  // exclusive
  const std::vector<BlockGroup>& groups() const { return groups_; }

  // One builder per group, with the group's external labels in the Thanos meta.
  std::vector<testing::BlockBuilder> BucketBuilders() const;
  // Groups that do not overlap share a builder; external labels become series labels.
  std::vector<testing::BlockBuilder> PrometheusBuilders() const;
  // Everything, with external labels in the series, overlaps merged.
  testing::SeriesSamples Expected() const;

 private:
  void AddGroup(const BlockGroup& g, bool labels_in_series, testing::BlockBuilder& b) const;

  int64_t t0_;
  std::vector<BlockGroup> groups_;
};

// Today at 00:00 UTC minus `days`: a multiple of 2h in the past, the same all day long.
int64_t DayAlignedStart(int days_back);

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_CONFORMANCE_DATA_H_
