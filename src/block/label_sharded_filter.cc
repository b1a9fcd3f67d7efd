#include "block/label_sharded_filter.h"

#include <map>
#include <string>

namespace charon::block {

tsdb::Labels LabelShardedFilter::BlockLabels(const base::Ulid& id, const tsdb::BlockMeta& meta) {
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : meta.external_labels) {
    if (!value.empty()) merged[name] = value;
  }
  // Set last: the block ID wins over an external label of the same name.
  merged[std::string(kBlockIdLabel)] = id.ToString();
  tsdb::Labels labels;
  labels.reserve(merged.size());
  for (auto& [name, value] : merged) labels.push_back(tsdb::Label{name, std::move(value)});
  return labels;
}

absl::Status LabelShardedFilter::Filter(MetaMap& metas, SyncedCounts& synced) {
  if (config_.empty()) return absl::OkStatus();
  for (auto it = metas.begin(); it != metas.end();) {
    std::optional<tsdb::Labels> out = config_.Relabel(BlockLabels(it->first, *it->second));
    if (out.has_value() && !out->empty()) {
      ++it;
      continue;
    }
    synced.Add(kLabelExcludedState);
    it = metas.erase(it);
  }
  return absl::OkStatus();
}

}  // namespace charon::block
