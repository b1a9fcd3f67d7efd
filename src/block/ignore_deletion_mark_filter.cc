#include "block/ignore_deletion_mark_filter.h"

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "base/logging.h"
#include "base/parallel.h"

namespace charon::block {

absl::Status IgnoreDeletionMarkFilter::Filter(MetaMap& metas, SyncedCounts& synced) {
  std::vector<base::Ulid> ids;
  ids.reserve(metas.size());
  for (const auto& [id, meta] : metas) ids.push_back(id);

  std::vector<std::optional<absl::StatusOr<DeletionMark>>> reads(ids.size());
  // Workers always succeed, so every mark is read; errors are judged below, in ID order.
  (void)base::ParallelFor(ids.size(), options_.concurrency, [&](size_t i) {
    reads[i] = ReadDeletionMark(bucket_, ids[i]);
    return absl::OkStatus();
  });

  std::map<base::Ulid, DeletionMark> marks;
  for (size_t i = 0; i < ids.size(); ++i) {
    const absl::StatusOr<DeletionMark>& read = *reads[i];
    if (read.ok()) {
      marks.emplace(ids[i], *read);
      continue;
    }
    if (absl::IsNotFound(read.status())) continue;
    if (absl::IsDataLoss(read.status())) {
      base::LogWarn("found partial deletion-mark.json; if it stays this way, delete it manually",
                    {{"block", ids[i].ToString()}, {"err", read.status()}});
      continue;
    }
    return read.status();
  }

  const absl::Time now = options_.clock();
  for (const auto& [id, mark] : marks) {
    if (now - absl::FromUnixSeconds(mark.deletion_time) > options_.delay) {
      synced.Add(kMarkedForDeletionState);
      metas.erase(id);
    }
  }
  absl::MutexLock lock(&mu_);
  marks_ = std::move(marks);
  return absl::OkStatus();
}

std::map<base::Ulid, DeletionMark> IgnoreDeletionMarkFilter::DeletionMarks() const {
  absl::MutexLock lock(&mu_);
  return marks_;
}

}  // namespace charon::block
