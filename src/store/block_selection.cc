// Which blocks a request reads: by external labels, block hints, time range and resolution.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "store/bucket_store.h"

namespace charon::store {
namespace {

constexpr int64_t kResolutions[] = {3600000, 300000, 0};  // coarse to fine

// Block-level hint matchers see the external labels plus __block_id.
bool BlockMatches(const Block& b, const std::vector<tsdb::Matcher>& block_matchers) {
  for (const auto& m : block_matchers) {
    std::string_view v = m.name() == "__block_id" ? std::string_view(b.id())
                                                  : tsdb::GetLabel(b.external_labels(), m.name());
    if (!m.Matches(v)) return false;
  }
  return true;
}

// Checks request matchers against a block's external labels. Returns false if a matcher on an
// external label rejects its value; otherwise fills `rest` with the matchers left for the index.
bool SplitExternalMatchers(const Block& b, const std::vector<tsdb::Matcher>& matchers,
                           std::vector<tsdb::Matcher>* rest) {
  rest->clear();
  for (const auto& m : matchers) {
    auto it = std::find_if(b.external_labels().begin(), b.external_labels().end(),
                           [&](const tsdb::Label& l) { return l.name == m.name(); });
    if (it == b.external_labels().end()) {
      rest->push_back(m);
    } else if (!m.Matches(it->value)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<BucketStore::Selected> BucketStore::SelectSeriesBlocks(const SeriesRequest& req,
                                                                   int64_t mint,
                                                                   int64_t maxt) const {
  // Group by external-label set; within a group, blocks per resolution sorted by time.
  struct Group {
    std::vector<std::shared_ptr<const Block>> by_res[3];
    std::vector<tsdb::Matcher> matchers;
  };
  std::map<std::string, Group> groups;
  for (const auto& b : Blocks()) {
    std::string key = tsdb::LabelsToString(b->external_labels());
    auto [it, inserted] = groups.try_emplace(key);
    int r = b->meta().downsample_resolution == 3600000  ? 0
            : b->meta().downsample_resolution == 300000 ? 1
                                                        : 2;
    it->second.by_res[r].push_back(b);
  }
  std::vector<Selected> out;
  int64_t max_res = std::max<int64_t>(0, req.max_resolution_window);
  for (auto& entry : groups) {
    Group& g = entry.second;  // a named reference: clang 14 cannot capture structured bindings
    const Block* any = nullptr;
    for (auto& list : g.by_res) {
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        if (a->meta().min_time != b->meta().min_time)
          return a->meta().min_time < b->meta().min_time;
        return a->meta().max_time < b->meta().max_time;
      });
      if (!list.empty()) any = list.front().get();
    }
    auto rest = std::make_shared<std::vector<tsdb::Matcher>>();
    if (!any || !SplitExternalMatchers(*any, req.matchers, rest.get())) continue;

    // Thanos' getFor: prefer the coarsest resolution allowed, fill gaps from finer ones.
    std::function<void(int64_t, int64_t, size_t)> get_for = [&](int64_t lo, int64_t hi, size_t i) {
      if (lo > hi) return;
      size_t start_res = 0;
      while (start_res < 3 && kResolutions[start_res] > max_res) ++start_res;
      i = std::max(i, start_res);
      if (i >= 3) return;
      int64_t cursor = lo;
      for (const auto& b : g.by_res[i]) {
        if (b->meta().max_time <= lo) continue;
        if (b->meta().min_time > hi) break;
        if (i + 1 < 3) get_for(cursor, b->meta().min_time - 1, i + 1);
        if (BlockMatches(*b, req.block_matchers)) out.push_back({b, rest});
        cursor = b->meta().max_time;
      }
      if (i + 1 < 3) get_for(cursor, hi, i + 1);
    };
    get_for(mint, maxt, 0);
  }
  return out;
}

std::vector<BucketStore::Selected> BucketStore::SelectLabelBlocks(
    int64_t start, int64_t end, const std::vector<tsdb::Matcher>& matchers,
    const std::vector<tsdb::Matcher>& block_matchers) const {
  std::vector<Selected> out;
  // One matcher list per external-label set (null: the set's labels reject the matchers).
  std::map<std::string, std::shared_ptr<const std::vector<tsdb::Matcher>>> rest_of;
  for (const auto& b : Blocks()) {
    // Blocks are half-open [min, max): they overlap [start, end] iff min <= end && start < max.
    if (b->meta().min_time > end || start >= b->meta().max_time) continue;
    if (!BlockMatches(*b, block_matchers)) continue;
    auto [it, inserted] = rest_of.try_emplace(tsdb::LabelsToString(b->external_labels()));
    if (inserted) {
      auto rest = std::make_shared<std::vector<tsdb::Matcher>>();
      if (SplitExternalMatchers(*b, matchers, rest.get())) it->second = std::move(rest);
    }
    if (!it->second) continue;
    out.push_back({b, it->second});
  }
  return out;
}

}  // namespace charon::store
