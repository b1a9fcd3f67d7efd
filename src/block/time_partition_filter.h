// TimePartitionFilter (--min-time / --max-time): keeps a block iff
// meta.maxTime >= min_time() && meta.minTime <= max_time(), else counts it as "time-excluded".
// Both bounds are callables evaluated on every Filter() call, so bounds given as durations
// relative to now move with the clock.
#ifndef CHARON_BLOCK_TIME_PARTITION_FILTER_H_
#define CHARON_BLOCK_TIME_PARTITION_FILTER_H_

#include <cstdint>
#include <functional>

#include "absl/time/time.h"
#include "block/meta_filter.h"

namespace charon::block {

// A time bound in milliseconds since the epoch, as Thanos' TimeOrDurationValue resolves it.
using TimeBound = std::function<int64_t()>;

// A fixed instant.
TimeBound AbsoluteTimeBound(absl::Time t);
// clock() + offset, re-read on every call (offset is negative for "-2w").
TimeBound RelativeTimeBound(absl::Duration offset, Clock clock);

struct TimePartitionFilterOptions {
  // Thanos' defaults: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, i.e. no partitioning.
  TimeBound min_time = AbsoluteTimeBound(absl::FromUnixSeconds(-62167219200));
  TimeBound max_time = AbsoluteTimeBound(absl::FromUnixSeconds(253402300799));
};

class TimePartitionFilter final : public MetaFilter {
 public:
  explicit TimePartitionFilter(TimePartitionFilterOptions options) : options_(std::move(options)) {}

  [[nodiscard]] absl::Status Filter(MetaMap& metas, SyncedCounts& synced) override;

 private:
  TimePartitionFilterOptions options_;
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_TIME_PARTITION_FILTER_H_
