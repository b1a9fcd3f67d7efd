#include "store/block_postings.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/range_fetcher.h"
#include "tsdb/postings.h"
#include "tsdb/postings_plan.h"

namespace charon::store {
namespace {

using Key = std::pair<std::string, std::string>;

}  // namespace

absl::StatusOr<std::vector<uint64_t>> ExpandBlockPostings(const Block& block,
                                                          std::span<const tsdb::Matcher> matchers,
                                                          QueryContext& ctx) {
  FetchStats* stats = &ctx.stats();
  const auto& reader = block.index_header();
  tsdb::PostingsPlan plan;
  if (matchers.empty()) {
    plan.groups.push_back(tsdb::PostingGroup{"", false, {""}, {}});
  } else {
    auto planned = tsdb::PlanPostings(
        matchers, [&](std::string_view name) { return reader.LabelValues(name); });
    if (!planned.ok()) return BlockReadError(block, "postings", planned.status());
    plan = std::move(planned).value();
  }
  if (plan.empty) return std::vector<uint64_t>{};

  // Every key of every group, per label name, sorted.
  std::map<std::string, std::vector<std::string>> keys;
  for (const auto& g : plan.groups) {
    auto& v = keys[g.name];
    v.insert(v.end(), g.add_keys.begin(), g.add_keys.end());
    v.insert(v.end(), g.remove_keys.begin(), g.remove_keys.end());
  }
  struct Wanted {
    const std::string* name;
    const std::string* value;
    ByteRange range;
  };
  std::vector<Wanted> wanted;
  for (auto& [name, values] : keys) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    auto ranges = reader.PostingsRanges(name, values);
    if (!ranges.ok()) return BlockReadError(block, "postings", ranges.status());
    for (size_t i = 0; i < values.size(); ++i) {
      if (!(*ranges)[i]) continue;  // absent key: empty list
      // The ranges stop before each list's CRC; read it too so the list can be checked.
      const int64_t end = (*ranges)[i]->end + tsdb::kPostingsCrcSize;
      wanted.push_back({&name, &values[i], {(*ranges)[i]->start, end}});
    }
  }
  std::sort(wanted.begin(), wanted.end(),
            [](const Wanted& a, const Wanted& b) { return a.range.start < b.range.start; });
  // Postings lists are fetched by key here, and only here.
  RangeRead read{&block.index_object(), {}};
  read.ranges.reserve(wanted.size());
  for (const auto& w : wanted) read.ranges.push_back(w.range);
  ChunkBuffers bufs;
  CHARON_ASSIGN_OR_RETURN(FetchedRanges fetched,
                          FetchRanges(ctx, block, "postings", {&read, 1}, bufs));
  stats->postings_fetch_count += fetched.requests;
  stats->postings_fetched_bytes += fetched.bytes;
  std::map<Key, std::string_view> lists;
  for (size_t i = 0; i < wanted.size(); ++i) {
    std::string_view view = fetched.views[0][i];
    if (view.empty()) {
      return BlockReadError(block, "postings",
                            absl::DataLossError("postings range past the end of the index"));
    }
    lists[{*wanted[i].name, *wanted[i].value}] = view;
  }
  if (stats) {
    stats->postings_touched += static_cast<int64_t>(lists.size());
    stats->postings_fetched += static_cast<int64_t>(lists.size());
  }
  tsdb::PostingsPtr it =
      tsdb::CombinePlan(plan, [&](const std::string& name, const std::string& value) {
        auto f = lists.find({name, value});
        if (f == lists.end()) return tsdb::EmptyPostings();
        return tsdb::CheckedRawPostings(f->second);
      });
  auto ids = tsdb::ExpandPostings(*it);
  if (!ids.ok()) return BlockReadError(block, "postings", ids.status());
  return ids;
}

}  // namespace charon::store
