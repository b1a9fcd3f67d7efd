#include "block/time_partition_filter.h"

#include <utility>

namespace charon::block {

TimeBound AbsoluteTimeBound(absl::Time t) {
  int64_t ms = absl::ToUnixMillis(t);
  return [ms] { return ms; };
}

TimeBound RelativeTimeBound(absl::Duration offset, Clock clock) {
  return [offset, clock = std::move(clock)] { return absl::ToUnixMillis(clock() + offset); };
}

absl::Status TimePartitionFilter::Filter(MetaMap& metas, SyncedCounts& synced) {
  const int64_t min_time = options_.min_time();
  const int64_t max_time = options_.max_time();
  for (auto it = metas.begin(); it != metas.end();) {
    const tsdb::BlockMeta& m = *it->second;
    if (m.max_time >= min_time && m.min_time <= max_time) {
      ++it;
      continue;
    }
    synced.Add(kTimeExcludedState);
    it = metas.erase(it);
  }
  return absl::OkStatus();
}

}  // namespace charon::block
