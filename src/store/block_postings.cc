#include "store/block_postings.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <span>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "cache/index_cache_keys.h"
#include "store/range_fetcher.h"
#include "tsdb/postings.h"
#include "tsdb/postings_plan.h"

namespace charon::store {
namespace {

using Key = std::pair<std::string, std::string>;

// Whether a cached list can belong to `block`. The cache is shared (other stores, other
// versions, anyone with access to memcached) and the codec's CRC only proves the bytes are the
// ones written: a list naming a series past the series section (which ends before the postings
// offset table), or an offset off the 16-byte grid of a v2 index, is not this block's and would
// make the series read fail or read garbage. Such a value is a miss, logged once per process.
// `offsets`: the refs are series byte offsets (expanded postings), else index refs.
bool CachedRefsFit(const Block& block, std::span<const uint64_t> refs, bool offsets,
                   std::string_view what) {
  const uint64_t scale = block.index_version() >= 2 ? 16 : 1;
  const auto limit = static_cast<uint64_t>(block.index_header().PostingsTableOffset());
  for (uint64_t r : refs) {
    const bool fits = offsets ? r % scale == 0 && r < limit : r < limit / scale;
    if (fits) continue;
    static std::atomic<bool> logged{false};
    if (!logged.exchange(true)) {
      base::LogWarn("cached index entry does not fit the block; reading it from the bucket",
                    {{"block", block.id()},
                     {"item", what},
                     {"ref", absl::StrCat(r)},
                     {"series_section_end", absl::StrCat(limit)}});
    }
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> ExpandBlockPostings(const Block& block,
                                                          std::span<const tsdb::Matcher> matchers,
                                                          QueryContext& ctx) {
  FetchStats* stats = &ctx.stats();
  const auto& reader = block.index_header();
  cache::IndexCache* index_cache = ctx.index_cache();
  // Expanded postings are cached as series offsets, as Thanos keys them.
  const uint64_t scale = block.index_version() >= 2 ? 16 : 1;
  std::string matchers_key;
  if (index_cache != nullptr && !matchers.empty()) {
    matchers_key = cache::MatchersKey(matchers);
    auto hit = index_cache->FetchExpandedPostings(block.id(), matchers_key);
    if (hit && CachedRefsFit(block, *hit, /*offsets=*/true, "expanded postings")) {
      std::vector<uint64_t> refs = std::move(*hit);
      for (uint64_t& r : refs) r /= scale;
      return refs;
    }
  }
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
  // Lists the index cache holds are not read from the bucket.
  std::map<Key, std::vector<uint64_t>> cached;
  if (index_cache != nullptr && !wanted.empty()) {
    std::vector<tsdb::Label> labels;
    labels.reserve(wanted.size());
    for (const auto& w : wanted) labels.push_back({*w.name, *w.value});
    std::vector<std::optional<std::vector<uint64_t>>> hits =
        index_cache->FetchMultiPostings(block.id(), labels);
    std::vector<Wanted> missing;
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (hits[i] && CachedRefsFit(block, *hits[i], /*offsets=*/false, "postings")) {
        cached[{*wanted[i].name, *wanted[i].value}] = std::move(*hits[i]);
      } else {
        missing.push_back(wanted[i]);
      }
    }
    wanted = std::move(missing);
  }
  std::sort(wanted.begin(), wanted.end(),
            [](const Wanted& a, const Wanted& b) { return a.range.start < b.range.start; });
  // Postings lists are fetched by key here, and only here.
  RangeRead read{&block.index_object(), {}};
  read.ranges.reserve(wanted.size());
  for (const auto& w : wanted) read.ranges.push_back(w.range);
  ChunkBuffers bufs;
  FetchedRanges fetched;
  fetched.views.resize(1);
  if (!wanted.empty()) {
    CHARON_ASSIGN_OR_RETURN(fetched, FetchRanges(ctx, block, "postings", {&read, 1}, bufs));
  }
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
    stats->postings_touched += static_cast<int64_t>(lists.size() + cached.size());
    stats->postings_fetched += static_cast<int64_t>(lists.size());
  }
  if (index_cache != nullptr && !lists.empty()) {
    std::vector<std::pair<tsdb::Label, std::vector<uint64_t>>> fresh;
    fresh.reserve(lists.size());
    for (const auto& [key, view] : lists) {
      auto refs = tsdb::ExpandPostings(*tsdb::RawPostings(view));
      if (!refs.ok()) return BlockReadError(block, "postings", refs.status());
      fresh.emplace_back(tsdb::Label{key.first, key.second}, std::move(refs).value());
    }
    index_cache->StorePostings(block.id(), fresh);
  }
  tsdb::PostingsPtr it =
      tsdb::CombinePlan(plan, [&](const std::string& name, const std::string& value) {
        if (auto c = cached.find({name, value}); c != cached.end()) {
          return tsdb::ListPostings(c->second);
        }
        auto f = lists.find({name, value});
        if (f == lists.end()) return tsdb::EmptyPostings();
        return tsdb::CheckedRawPostings(f->second);
      });
  auto ids = tsdb::ExpandPostings(*it);
  if (!ids.ok()) return BlockReadError(block, "postings", ids.status());
  if (index_cache != nullptr && !matchers_key.empty()) {
    std::vector<uint64_t> offsets = *ids;
    for (uint64_t& r : offsets) r *= scale;
    index_cache->StoreExpandedPostings(block.id(), matchers_key, offsets);
  }
  return ids;
}

}  // namespace charon::store
