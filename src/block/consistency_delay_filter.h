// ConsistencyDelayFilter (--consistency-delay): hides blocks younger than the delay, so that a
// block is served only once an eventually consistent bucket shows all its objects. Age is
// now - thanos.upload_time when set, else now - the ULID's timestamp. Blocks written by the
// compactor or a bucket repair (sources "compactor", "compactor.repair", "bucket.repair") are
// exempt: their inputs are deleted only after a delay of their own. Hidden blocks count as
// "too-fresh". Exports the configured delay as `thanos_consistency_delay_seconds`.
#ifndef CHARON_BLOCK_CONSISTENCY_DELAY_FILTER_H_
#define CHARON_BLOCK_CONSISTENCY_DELAY_FILTER_H_

#include <prometheus/registry.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "block/meta_filter.h"

namespace charon::block {

struct ConsistencyDelayFilterOptions {
  absl::Duration delay = absl::ZeroDuration();  // Thanos store default: 0s
  Clock clock = [] { return absl::Now(); };
};

class ConsistencyDelayFilter final : public MetaFilter {
 public:
  // InvalidArgument when the gauge cannot be registered (a metric of that name and another type
  // exists in `registry`). The gauge lives in `registry`, which must outlive the filter.
  static absl::StatusOr<std::unique_ptr<ConsistencyDelayFilter>> Create(
      ConsistencyDelayFilterOptions options, prometheus::Registry& registry);

  [[nodiscard]] absl::Status Filter(MetaMap& metas, SyncedCounts& synced) override;

 private:
  explicit ConsistencyDelayFilter(ConsistencyDelayFilterOptions options)
      : options_(std::move(options)) {}

  ConsistencyDelayFilterOptions options_;
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_CONSISTENCY_DELAY_FILTER_H_
