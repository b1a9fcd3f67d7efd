// MetaFilter: one policy deciding which fetched blocks the store serves (time partition, label
// sharding, consistency delay, deletion marks, deduplication). The fetcher applies its filters as
// a list, in order, to the metas it loaded; each filter removes the blocks it rejects and counts
// them under its state of `thanos_blocks_meta_synced`.
//
// Filters are called by one fetch at a time (the fetcher single-flights), so Filter() needs no
// locking of its own; accessors a filter offers to other threads (e.g. the deletion marks seen)
// must be thread-safe.
#ifndef CHARON_BLOCK_META_FILTER_H_
#define CHARON_BLOCK_META_FILTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/ulid.h"
#include "tsdb/block_meta.h"

namespace charon::block {

using MetaMap = std::map<base::Ulid, std::shared_ptr<const tsdb::BlockMeta>>;

// Values of the `state` label of thanos_blocks_meta_synced, spelled as Thanos does.
inline constexpr std::string_view kCorruptedMetaState = "corrupted-meta-json";
inline constexpr std::string_view kNoMetaState = "no-meta-json";
inline constexpr std::string_view kLoadedState = "loaded";
inline constexpr std::string_view kTooFreshState = "too-fresh";
inline constexpr std::string_view kFailedState = "failed";
inline constexpr std::string_view kLabelExcludedState = "label-excluded";
inline constexpr std::string_view kTimeExcludedState = "time-excluded";
inline constexpr std::string_view kDuplicateState = "duplicate";
inline constexpr std::string_view kMarkedForDeletionState = "marked-for-deletion";
inline constexpr std::string_view kMarkedForNoCompactState = "marked-for-no-compact";
inline constexpr std::string_view kParquetMigratedState = "parquet-migrated";

// Every state above, in the order Thanos registers them.
inline constexpr std::string_view kAllSyncedStates[] = {
    kCorruptedMetaState,      kNoMetaState,         kLoadedState,
    kTooFreshState,           kFailedState,         kLabelExcludedState,
    kTimeExcludedState,       kDuplicateState,      kMarkedForDeletionState,
    kMarkedForNoCompactState, kParquetMigratedState};

// Number of blocks per state for one fetch. Not thread-safe.
class SyncedCounts {
 public:
  void Add(std::string_view state, int64_t n = 1) { counts_[std::string(state)] += n; }
  void Set(std::string_view state, int64_t n) { counts_[std::string(state)] = n; }
  // 0 for a state never added.
  int64_t Get(std::string_view state) const {
    auto it = counts_.find(state);
    return it == counts_.end() ? 0 : it->second;
  }
  const std::map<std::string, int64_t, std::less<>>& counts() const { return counts_; }

 private:
  std::map<std::string, int64_t, std::less<>> counts_;
};

class MetaFilter {
 public:
  virtual ~MetaFilter() = default;

  // Removes the rejected blocks from `metas` and adds them to `synced` under the filter's state.
  // A non-OK status fails the whole fetch (the fetcher then returns no metas); filters use
  // Unavailable for backend errors they could not classify.
  [[nodiscard]] virtual absl::Status Filter(MetaMap& metas, SyncedCounts& synced) = 0;
};

// Wall-clock source; tests inject a fake.
using Clock = std::function<absl::Time()>;

}  // namespace charon::block

#endif  // CHARON_BLOCK_META_FILTER_H_
