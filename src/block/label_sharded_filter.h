// LabelShardedFilter (--selector.relabel-config): relabels {__block_id="<ULID>"} plus the block's
// external labels with the configured rules; a block whose labels are dropped is counted as
// "label-excluded". No rules keep every block. The relabel output is used for nothing else: the
// store still advertises the block's original external labels.
#ifndef CHARON_BLOCK_LABEL_SHARDED_FILTER_H_
#define CHARON_BLOCK_LABEL_SHARDED_FILTER_H_

#include <string_view>

#include "block/meta_filter.h"
#include "block/relabel_config.h"
#include "tsdb/labels.h"

namespace charon::block {

inline constexpr std::string_view kBlockIdLabel = "__block_id";

class LabelShardedFilter final : public MetaFilter {
 public:
  explicit LabelShardedFilter(RelabelConfig config) : config_(std::move(config)) {}

  [[nodiscard]] absl::Status Filter(MetaMap& metas, SyncedCounts& synced) override;

  // The labels the rules see for a block: its external labels (empty values omitted, as
  // Prometheus' label builder does) with __block_id set to `id`, sorted by name.
  static tsdb::Labels BlockLabels(const base::Ulid& id, const tsdb::BlockMeta& meta);

 private:
  RelabelConfig config_;
};

}  // namespace charon::block

#endif  // CHARON_BLOCK_LABEL_SHARDED_FILTER_H_
