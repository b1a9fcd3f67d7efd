#include "block/consistency_delay_filter.h"

#include <prometheus/gauge.h>

#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace charon::block {
namespace {

bool IsExemptSource(const std::string& source) {
  return source == "bucket.repair" || source == "compactor" || source == "compactor.repair";
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConsistencyDelayFilter>> ConsistencyDelayFilter::Create(
    ConsistencyDelayFilterOptions options, prometheus::Registry& registry) {
  // prometheus-cpp reports registration conflicts by exception; they stop here.
  try {
    prometheus::BuildGauge()
        .Name("thanos_consistency_delay_seconds")
        .Help("Configured consistency delay in seconds.")
        .Register(registry)
        .Add({})
        .Set(absl::ToDoubleSeconds(options.delay));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("registering thanos_consistency_delay_seconds: ", e.what()));
  }
  return std::unique_ptr<ConsistencyDelayFilter>(new ConsistencyDelayFilter(std::move(options)));
}

absl::Status ConsistencyDelayFilter::Filter(MetaMap& metas, SyncedCounts& synced) {
  const absl::Time now = options_.clock();
  const int64_t now_ms = absl::ToUnixMillis(now);
  const int64_t delay_ms = absl::ToInt64Milliseconds(options_.delay);
  for (auto it = metas.begin(); it != metas.end();) {
    const tsdb::BlockMeta& m = *it->second;
    bool too_fresh;
    if (m.upload_time.has_value()) {
      too_fresh = now - *m.upload_time < options_.delay;
    } else {
      // Thanos subtracts the ULID time from now in unsigned arithmetic: a ULID from the future
      // (uploader clock ahead of ours) wraps to a huge age and is never too fresh. Kept, because
      // the default delay of 0 would otherwise hide such blocks.
      uint64_t age_ms = static_cast<uint64_t>(now_ms) - it->first.TimestampMs();
      too_fresh = delay_ms > 0 && age_ms < static_cast<uint64_t>(delay_ms);
    }
    if (too_fresh && !IsExemptSource(m.source)) {
      synced.Add(kTooFreshState);
      it = metas.erase(it);
    } else {
      ++it;
    }
  }
  return absl::OkStatus();
}

}  // namespace charon::block
