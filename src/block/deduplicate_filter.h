// DeduplicateFilter: hides blocks whose data another visible block already holds, which happens
// while a compacted block and its source blocks coexist in the bucket. Blocks are grouped by
// compaction group (downsample resolution + external labels); within a group they are visited by
// number of compaction sources, most first (ties: ULID ascending), and a block whose sources are
// a subset of an already kept block's sources is hidden as "duplicate".
//
// Thread-safe: DuplicateIds() may be called while Filter() runs.
#ifndef CHARON_BLOCK_DEDUPLICATE_FILTER_H_
#define CHARON_BLOCK_DEDUPLICATE_FILTER_H_

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "block/meta_filter.h"

namespace charon::block {

class DeduplicateFilter final : public MetaFilter {
 public:
  [[nodiscard]] absl::Status Filter(MetaMap& metas, SyncedCounts& synced) override;

  // Blocks hidden by the last Filter(), ascending.
  std::vector<base::Ulid> DuplicateIds() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<base::Ulid> duplicates_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_DEDUPLICATE_FILTER_H_
