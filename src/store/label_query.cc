// BucketStore::LabelNames and LabelValues: per-block sorted lists, merged.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "store/block_postings.h"
#include "store/bucket_store.h"
#include "store/limiter.h"
#include "store/query_context.h"
#include "store/request_status.h"
#include "store/series_loader.h"
#include "store/sorted_union.h"

namespace charon::store {

namespace {

// The symbol `ref` of `block`; DataLoss naming the block if it cannot be read.
absl::StatusOr<std::string> BlockSymbol(const Block& block, uint32_t ref) {
  auto sym = block.index_header().LookupSymbol(ref);
  if (!sym.ok()) {
    return absl::DataLossError(
        absl::StrCat("block ", block.id(), ": symbol ", ref, ": ", sym.status().message()));
  }
  return std::move(sym).value();
}

// Reads the series entries selected by `matchers` in one block, without time filtering per series
// (as Prometheus' label APIs with matchers do), and feeds them to `fn`. Returns how many series
// were selected. The label APIs work on symbol references and look up each distinct symbol once.
absl::StatusOr<size_t> ForEachSelectedEntry(
    const Block& block, const std::vector<tsdb::Matcher>& matchers, Limiter* series_limiter,
    QueryContext& ctx, const std::function<void(const tsdb::SeriesEntry&)>& fn) {
  CHARON_ASSIGN_OR_RETURN(std::vector<uint64_t> refs, ExpandBlockPostings(block, matchers, ctx));
  CHARON_RETURN_IF_ERROR(series_limiter->Reserve(refs.size()));
  constexpr size_t kBatch = 4096;
  for (size_t begin = 0; begin < refs.size(); begin += kBatch) {
    std::span<const uint64_t> batch(refs.data() + begin, std::min(kBatch, refs.size() - begin));
    CHARON_RETURN_IF_ERROR(LoadSeriesEntries(
        block, batch, kEstimatedMaxSeriesSize, ctx,
        [&](size_t, const tsdb::SeriesEntry& e) -> absl::Status {
          fn(e);
          return absl::OkStatus();
        },
        begin + kBatch < refs.size() ? std::optional<uint64_t>(refs[begin + kBatch])
                                     : std::nullopt));
  }
  return refs.size();
}

// Values of `label` (not an external label of the block) over the series `matchers` select in one
// block: sorted, unique. Series without the label are skipped as they are read.
absl::StatusOr<std::vector<std::string>> CollectLabelValues(
    const Block& block, const std::vector<tsdb::Matcher>& matchers, const std::string& label,
    Limiter* series_limiter, QueryContext& ctx) {
  absl::flat_hash_map<uint32_t, bool> is_label;  // name symbol → whether it is `label`
  absl::flat_hash_set<uint32_t> value_refs;
  absl::Status lookup_error;
  CHARON_RETURN_IF_ERROR(
      ForEachSelectedEntry(block, matchers, series_limiter, ctx, [&](const tsdb::SeriesEntry& e) {
        for (const auto& [n, v] : e.label_refs) {
          auto [it, inserted] = is_label.try_emplace(n, false);
          if (inserted) {
            absl::StatusOr<std::string> name = BlockSymbol(block, n);
            if (!name.ok()) lookup_error.Update(name.status());
            it->second = name.ok() && *name == label;
          }
          if (it->second) {
            value_refs.insert(v);
            return;
          }
        }
      }).status());
  CHARON_RETURN_IF_ERROR(lookup_error);
  std::vector<std::string> values;
  values.reserve(value_refs.size());
  for (uint32_t ref : value_refs) {
    CHARON_ASSIGN_OR_RETURN(std::string value, BlockSymbol(block, ref));
    if (!value.empty()) values.push_back(std::move(value));
  }
  std::sort(values.begin(), values.end());  // distinct symbols are distinct strings
  return values;
}

// Sorts `names`, drops duplicates, then the replica labels.
std::vector<std::string> SortedNames(std::vector<std::string> names,
                                     const std::vector<std::string>& replica) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::erase_if(names, [&](const std::string& n) {
    return std::find(replica.begin(), replica.end(), n) != replica.end();
  });
  return names;
}

// Label names of the series `matchers` select in one block as the store returns them (external
// labels added, replica labels removed): sorted, unique.
absl::StatusOr<std::vector<std::string>> CollectLabelNames(
    const Block& block, const std::vector<tsdb::Matcher>& matchers,
    const std::vector<std::string>& replica, Limiter* series_limiter, QueryContext& ctx) {
  absl::flat_hash_set<uint32_t> name_refs;
  CHARON_ASSIGN_OR_RETURN(
      size_t selected,
      ForEachSelectedEntry(block, matchers, series_limiter, ctx, [&](const tsdb::SeriesEntry& e) {
        for (const auto& label : e.label_refs) name_refs.insert(label.first);
      }));
  std::vector<std::string> names;
  if (selected == 0) return names;
  for (uint32_t ref : name_refs) {
    CHARON_ASSIGN_OR_RETURN(std::string name, BlockSymbol(block, ref));
    names.push_back(std::move(name));
  }
  for (const auto& l : block.external_labels()) names.push_back(l.name);
  return SortedNames(std::move(names), replica);
}

absl::Status WithBlock(const Block& block, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("block ", block.id(), ": ", status.message()));
}

}  // namespace

absl::StatusOr<LabelsResult> BucketStore::CollectLabels(
    int64_t req_start, int64_t req_end, const std::vector<tsdb::Matcher>& matchers,
    const std::vector<tsdb::Matcher>& block_matchers, const std::string& tenant, int64_t limit,
    const CallContext& call, const PerBlockLabels& per_block_fn) {
  if (!Ready()) return NotReady();
  if (req_start > req_end) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid time range: start ", req_start, " is greater than end ", req_end));
  }
  int64_t start = std::max(req_start, MinTimeFlag());
  int64_t end = std::min(req_end, MaxTimeFlag());
  LabelsResult result;
  if (start > end) return result;
  auto selected = SelectLabelBlocks(start, end, matchers, block_matchers);
  Limiter series_limiter("series", options_.series_limit,
                         [&] { metrics_.QueryDropped("series", tenant); });
  QueryContext ctx(call, IoOptions(tenant));
  std::vector<std::vector<std::string>> per_block(selected.size());
  // Without matchers every block answers from its index-header alone, in microseconds: handing
  // blocks to pool threads would cost more than it saves. With matchers, every block reads
  // postings and series at once.
  const int concurrency = matchers.empty() ? 1 : options_.block_open_concurrency;
  CHARON_RETURN_IF_ERROR(base::ParallelFor(IoPool(), selected.size(), concurrency, [&](size_t i) {
    CHARON_RETURN_IF_ERROR(ctx.Check());
    return per_block_fn(selected[i], series_limiter, ctx, per_block[i]);
  }));
  result.values = SortedUnion(std::move(per_block), limit);
  for (const auto& s : selected) result.queried_blocks.push_back(s.block->id());
  return result;
}

absl::StatusOr<LabelsResult> BucketStore::LabelNames(const LabelNamesRequest& req) {
  return Logged(
      "label_names",
      CollectLabels(
          req.start, req.end, req.matchers, req.block_matchers, req.tenant, req.limit, req.call,
          [&](const Selected& sel, Limiter& limiter, QueryContext& ctx,
              std::vector<std::string>& names) {
            const Block& b = *sel.block;
            // No matchers left once the external labels matched: every series of the
            // block counts.
            if (sel.matchers->empty()) {
              names.assign(b.label_names().begin(), b.label_names().end());
              for (const auto& l : b.external_labels()) names.push_back(l.name);
              names = SortedNames(std::move(names), req.without_replica_labels);
              return absl::OkStatus();
            }
            CHARON_ASSIGN_OR_RETURN(
                names,
                CollectLabelNames(b, *sel.matchers, req.without_replica_labels, &limiter, ctx));
            return absl::OkStatus();
          }));
}

absl::StatusOr<LabelsResult> BucketStore::LabelValues(const LabelValuesRequest& req) {
  if (req.label.empty()) return absl::InvalidArgumentError("label name parameter cannot be empty");
  if (std::find(req.without_replica_labels.begin(), req.without_replica_labels.end(), req.label) !=
      req.without_replica_labels.end()) {
    if (!Ready()) return NotReady();
    return LabelsResult{};
  }
  return Logged(
      "label_values",
      CollectLabels(req.start, req.end, req.matchers, req.block_matchers, req.tenant, req.limit,
                    req.call,
                    [&](const Selected& sel, Limiter& limiter, QueryContext& ctx,
                        std::vector<std::string>& values) {
                      const Block& b = *sel.block;
                      std::string_view ext = tsdb::GetLabel(b.external_labels(), req.label);
                      if (!ext.empty()) {
                        // The external label replaces the series' own: any selected series gives
                        // its value.
                        if (!sel.matchers->empty()) {
                          CHARON_ASSIGN_OR_RETURN(std::vector<uint64_t> refs,
                                                  ExpandBlockPostings(b, *sel.matchers, ctx));
                          CHARON_RETURN_IF_ERROR(limiter.Reserve(refs.size()));
                          if (refs.empty()) return absl::OkStatus();
                        }
                        values.emplace_back(ext);
                        return absl::OkStatus();
                      }
                      // No matchers left once the external labels matched: every series of the
                      // block counts, and the index holds the values.
                      if (sel.matchers->empty()) {
                        auto v = b.index_header().LabelValues(req.label);
                        if (!v.ok()) return WithBlock(b, v.status());
                        values = std::move(v).value();
                        if (!std::is_sorted(values.begin(), values.end())) {
                          std::sort(values.begin(), values.end());
                        }
                        return absl::OkStatus();
                      }
                      CHARON_ASSIGN_OR_RETURN(
                          values, CollectLabelValues(b, *sel.matchers, req.label, &limiter, ctx));
                      return absl::OkStatus();
                    }));
}

}  // namespace charon::store
