#include "block/deduplicate_filter.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace charon::block {
namespace {

// Thanos keys groups by resolution and a hash of the labels; the labels themselves give the
// same grouping without the (theoretical) collisions.
using GroupKey = std::pair<int64_t, std::map<std::string, std::string>>;

struct Entry {
  base::Ulid id;
  std::vector<base::Ulid> sources;  // sorted
};

bool IsSubset(const std::vector<base::Ulid>& sub, const std::vector<base::Ulid>& super) {
  return std::includes(super.begin(), super.end(), sub.begin(), sub.end());
}

}  // namespace

absl::Status DeduplicateFilter::Filter(MetaMap& metas, SyncedCounts& synced) {
  std::map<GroupKey, std::vector<Entry>> groups;
  for (const auto& [id, meta] : metas) {
    Entry e{id, meta->compaction.sources};
    std::sort(e.sources.begin(), e.sources.end());
    e.sources.erase(std::unique(e.sources.begin(), e.sources.end()), e.sources.end());
    groups[GroupKey(meta->downsample_resolution, meta->external_labels)].push_back(std::move(e));
  }

  std::vector<base::Ulid> duplicates;
  for (auto& [key, entries] : groups) {
    // Ordering uses the number of sources as listed, duplicates included, as Thanos does.
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
      size_t an = metas.at(a.id)->compaction.sources.size();
      size_t bn = metas.at(b.id)->compaction.sources.size();
      if (an != bn) return an > bn;
      return a.id < b.id;
    });
    std::vector<const Entry*> kept;
    for (const Entry& e : entries) {
      bool covered = std::any_of(kept.begin(), kept.end(),
                                 [&](const Entry* k) { return IsSubset(e.sources, k->sources); });
      if (covered) {
        duplicates.push_back(e.id);
      } else {
        kept.push_back(&e);
      }
    }
  }

  std::sort(duplicates.begin(), duplicates.end());
  for (const base::Ulid& id : duplicates) {
    metas.erase(id);
    synced.Add(kDuplicateState);
  }
  absl::MutexLock lock(&mu_);
  duplicates_ = std::move(duplicates);
  return absl::OkStatus();
}

std::vector<base::Ulid> DeduplicateFilter::DuplicateIds() const {
  absl::MutexLock lock(&mu_);
  return duplicates_;
}

}  // namespace charon::block
