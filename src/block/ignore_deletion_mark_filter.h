// IgnoreDeletionMarkFilter (--ignore-deletion-marks-delay): reads `<id>/deletion-mark.json` of
// every block still in the list, concurrently, and hides a block once its mark is older than the
// delay (strictly: now - deletion_time > delay, in whole seconds of deletion_time); such blocks
// count as "marked-for-deletion". Younger marks keep the block, so queries keep working until the
// compactor's replacement is loaded. A missing mark, or one that does not parse (a partial upload),
// leaves the block alone with a warning; any other read error fails the filter.
//
// Thread-safe: DeletionMarks() may be called while Filter() runs.
#ifndef CHARON_BLOCK_IGNORE_DELETION_MARK_FILTER_H_
#define CHARON_BLOCK_IGNORE_DELETION_MARK_FILTER_H_

#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "block/markers.h"
#include "block/meta_filter.h"
#include "objstore/bucket.h"

namespace charon::block {

struct IgnoreDeletionMarkFilterOptions {
  absl::Duration delay = absl::Hours(24);  // --ignore-deletion-marks-delay
  int concurrency = 32;                    // --block-meta-fetch-concurrency
  Clock clock = [] { return absl::Now(); };
};

class IgnoreDeletionMarkFilter final : public MetaFilter {
 public:
  // `bucket` must outlive the filter.
  IgnoreDeletionMarkFilter(objstore::Bucket& bucket, IgnoreDeletionMarkFilterOptions options)
      : bucket_(bucket), options_(std::move(options)) {}

  // Errors: the bucket's, other than NotFound, for the first mark that failed to read;
  // FailedPrecondition for a mark of an unknown version. `metas` is left unchanged then.
  [[nodiscard]] absl::Status Filter(MetaMap& metas, SyncedCounts& synced) override;

  // Every mark the last successful Filter() found, whether or not its delay had passed.
  std::map<base::Ulid, DeletionMark> DeletionMarks() const;

 private:
  objstore::Bucket& bucket_;
  const IgnoreDeletionMarkFilterOptions options_;
  mutable absl::Mutex mu_;
  std::map<base::Ulid, DeletionMark> marks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_IGNORE_DELETION_MARK_FILTER_H_
