// Real Prometheus TSDB blocks for tests, written by `promtool tsdb create-blocks-from openmetrics`.
//
// A BlockBuilder collects series (label sets and samples), renders them as OpenMetrics text, and
// has promtool turn that into blocks. Generated blocks are cached by a hash of the text under
// FixtureCacheDir() and copied into the caller's directory, so a second run costs a copy.
//
// What promtool 2.42 does with the input, and Expected() reproduces:
//  * Labels with an empty value are dropped (Prometheus treats "" as absent). Two series that
//  differ
//    only in empty-valued labels would merge; the builder rejects that input.
//  * Blocks are cut at multiples of 2h since the epoch (no flag changes that in 2.42); a block's
//    minTime/maxTime are its first sample and last sample + 1, not the 2h boundaries.
//  * Histogram families are stored as plain _bucket/_sum/_count float series; `le` values are kept
//    as written (no "1" -> "1.0" normalisation).
//  * Timestamps are read as float seconds and truncated to ms; exact for the times used here.
//  * Label values must be valid UTF-8, or promtool fails.
// Builders are not thread-safe; distinct builders may run in parallel (also in parallel processes
// sharing the cache).
#ifndef CHARON_TESTING_BLOCK_FIXTURES_H_
#define CHARON_TESTING_BLOCK_FIXTURES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/promtool_dump.h"
#include "tsdb/labels.h"

namespace charon::testing {

inline constexpr int64_t kTwoHoursMs = 2 * 3600 * 1000;
// 2023-11-14T22:00:00Z, a multiple of 2h: fixtures starting here fill whole blocks.
inline constexpr int64_t kFixtureStartMs = 1699999200000;

enum class MetricType { kGauge, kCounter, kHistogram, kUnknown };

// The "thanos" section of meta.json that makes a block look uploaded by Thanos.
struct ThanosMetaOptions {
  std::map<std::string, std::string> external_labels;
  std::string source = "test";
  int64_t downsample_resolution_ms = 0;
};

class BlockBuilder {
 public:
  // Series named `name` (gauge, unknown) or name_total/_created (counter), name_bucket/_sum/_count/
  // _created (histogram) are written under a `# TYPE name <type>` header. Undeclared names are
  // gauges.
  BlockBuilder& DeclareFamily(std::string name, MetricType type);

  // `labels` must hold a valid __name__ and valid, distinct label names. Samples may come in any
  // order; timestamps must be distinct. Adding the same label set twice appends the samples.
  // Errors are kept and returned by OpenMetricsText()/WriteBlocks().
  BlockBuilder& AddSeries(tsdb::Labels labels, std::vector<Sample> samples);

  // `count` samples at start_ms + i * step_ms with value `value(i)` (default: i).
  BlockBuilder& AddRegularSeries(tsdb::Labels labels, int64_t start_ms, int64_t step_ms, int count,
                                 std::function<double(int)> value = nullptr);

  // A histogram family: name_bucket{le=...} for each bound and +Inf, name_sum, name_count, all
  // with `labels` and `count` samples every `step_ms`; values grow like a real histogram.
  BlockBuilder& AddHistogram(std::string_view name, tsdb::Labels labels,
                             const std::vector<double>& bounds, int64_t start_ms, int64_t step_ms,
                             int count);

  // Adds a "thanos" section to each written block's meta.json (with a `files` list) and, as the
  // Thanos uploader does, leaves out the `tombstones` file.
  BlockBuilder& SetThanosMeta(ThanosMetaOptions meta);

  // The OpenMetrics input handed to promtool.
  absl::StatusOr<std::string> OpenMetricsText() const;

  // What the blocks hold afterwards, as DumpBlocks returns it.
  SeriesSamples Expected() const;
  int64_t NumSeries() const { return static_cast<int64_t>(series_.size()); }
  int64_t NumSamples() const { return CountSamples(series_); }

  // Writes the blocks into `out_dir` (created if missing) and returns their directories, sorted by
  // name. InvalidArgument for bad input, Unavailable if promtool or the file system fails.
  absl::StatusOr<std::vector<std::string>> WriteBlocks(const std::string& out_dir) const;

 private:
  absl::StatusOr<std::string> FamilyOf(const std::string& metric_name) const;

  std::map<std::string, MetricType> families_;
  SeriesSamples series_;  // as added, empty-valued labels included
  std::optional<ThanosMetaOptions> thanos_;
  absl::Status status_;
};

// $CHARON_FIXTURE_CACHE, else $CHARON_BINARY_DIR/fixture-cache, else <tmp>/charon-fixture-cache.
std::string FixtureCacheDir();

// Ready-made fixture sets. Each is deterministic, so its blocks come from the cache after the
// first run.
// 10 series x 2 days at 15s (115,200 samples), 24 adjacent 2h blocks.
BlockBuilder FewSeriesManySamples();
// 100,000 series x 3 samples in one block; labels i (unique), mod10, mod100, job.
BlockBuilder ManySeriesFewSamples();
// Quotes, backslashes, newlines, control characters, unicode, empty values, a long value,
// special float values, a histogram family.
BlockBuilder TrickyLabels();
// Three adjacent 2h blocks, with samples on and next to the boundaries and a series only in the
// middle block.
BlockBuilder AdjacentBlocks();

}  // namespace charon::testing

#endif  // CHARON_TESTING_BLOCK_FIXTURES_H_
