#include "tsdb/postings_plan.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

#include "base/status_macros.h"

namespace charon::tsdb {
namespace {

using Values = std::vector<std::string>;

// Label values of one name, asked for at most once and only by the first matcher that needs them.
class LazyValues {
 public:
  LazyValues(const LabelValuesFn& fn, std::string_view name) : fn_(fn), name_(name) {}

  absl::StatusOr<const Values*> Get() {
    if (!values_) {
      CHARON_ASSIGN_OR_RETURN(Values v, fn_(name_));
      // The contract says sorted; normalising is linear when it holds and keeps the set
      // operations below correct when it does not.
      if (std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) != v.end()) {
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
      }
      values_ = std::move(v);
    }
    return &*values_;
  }

 private:
  const LabelValuesFn& fn_;
  std::string_view name_;
  std::optional<Values> values_;
};

// Values that can match the regex of `m`: those starting with its literal prefix, a contiguous
// range of the sorted list.
std::pair<Values::const_iterator, Values::const_iterator> Candidates(const Matcher& m,
                                                                     const Values& vals) {
  const std::string& p = m.prefix();
  if (p.empty()) return {vals.begin(), vals.end()};
  auto lo = std::lower_bound(vals.begin(), vals.end(), p);
  auto hi = std::find_if(lo, vals.end(), [&p](const std::string& v) { return !v.starts_with(p); });
  return {lo, hi};
}

PostingGroup AddAll(const Matcher& m, Values remove) {
  return PostingGroup{m.name(), true, {}, std::move(remove)};
}

PostingGroup AddKeys(const Matcher& m, Values add) {
  return PostingGroup{m.name(), false, std::move(add), {}};
}

// One matcher to one group, after Thanos' toPostingGroup; the rows of the design table in order.
absl::StatusOr<PostingGroup> ToGroup(const Matcher& m, LazyValues& lazy) {
  // No shortcut for =~".*" or .+: `.` does not match a newline (Prometheus 2.x), so a value with
  // one is rejected by them; the generic rows below check values with the matcher's fast path.
  if (m.Matches("")) {
    // Selects series without the label too: everything minus the values it rejects.
    if (m.type() == MatchType::kRegexNoMatch && m.has_set_matches()) {
      return AddAll(m, m.set_matches());
    }
    if (m.type() == MatchType::kNotEqual) return AddAll(m, {m.value()});
    CHARON_ASSIGN_OR_RETURN(const Values* vals, lazy.Get());
    const bool rejects_all =
        m.value().empty() && (m.type() == MatchType::kEqual || m.type() == MatchType::kRegexMatch);
    if (rejects_all) return AddAll(m, *vals);
    Values remove;
    if (m.type() == MatchType::kRegexNoMatch) {
      // Rejected values are those the regex matches, all within its prefix range.
      auto [lo, hi] = Candidates(m, *vals);
      std::copy_if(lo, hi, std::back_inserter(remove),
                   [&m](const std::string& v) { return !m.Matches(v); });
    } else {
      std::copy_if(vals->begin(), vals->end(), std::back_inserter(remove),
                   [&m](const std::string& v) { return !m.Matches(v); });
    }
    return AddAll(m, std::move(remove));
  }

  if (m.type() == MatchType::kRegexMatch && m.has_set_matches()) {
    return AddKeys(m, m.set_matches());
  }
  if (m.type() == MatchType::kEqual) return AddKeys(m, {m.value()});
  CHARON_ASSIGN_OR_RETURN(const Values* vals, lazy.Get());
  const bool accepts_all = m.value().empty() && (m.type() == MatchType::kNotEqual ||
                                                 m.type() == MatchType::kRegexNoMatch);
  if (accepts_all) return AddKeys(m, *vals);
  Values add;
  if (m.type() == MatchType::kRegexMatch) {
    auto [lo, hi] = Candidates(m, *vals);
    std::copy_if(lo, hi, std::back_inserter(add),
                 [&m](const std::string& v) { return m.Matches(v); });
  } else {
    std::copy_if(vals->begin(), vals->end(), std::back_inserter(add),
                 [&m](const std::string& v) { return m.Matches(v); });
  }
  return AddKeys(m, std::move(add));
}

// Thanos' mergeKeys: both groups constrain the same label, so their sets intersect.
PostingGroup MergeGroups(PostingGroup a, PostingGroup b) {
  Values out;
  if (a.add_all && b.add_all) {
    std::set_union(a.remove_keys.begin(), a.remove_keys.end(), b.remove_keys.begin(),
                   b.remove_keys.end(), std::back_inserter(out));
    a.remove_keys = std::move(out);
    return a;
  }
  if (a.add_all) std::swap(a, b);
  if (b.add_all) {
    std::set_difference(a.add_keys.begin(), a.add_keys.end(), b.remove_keys.begin(),
                        b.remove_keys.end(), std::back_inserter(out));
  } else {
    std::set_intersection(a.add_keys.begin(), a.add_keys.end(), b.add_keys.begin(),
                          b.add_keys.end(), std::back_inserter(out));
  }
  a.add_keys = std::move(out);
  return a;
}

}  // namespace

absl::StatusOr<PostingsPlan> PlanPostings(std::span<const Matcher> matchers,
                                          const LabelValuesFn& values) {
  PostingsPlan plan;
  if (matchers.empty()) {
    plan.empty = true;
    return plan;
  }
  std::map<std::string_view, std::vector<const Matcher*>> by_name;
  for (const Matcher& m : matchers) by_name[m.name()].push_back(&m);

  bool adds_keys = false;
  for (const auto& [name, ms] : by_name) {
    LazyValues lazy(values, name);
    std::optional<PostingGroup> merged;
    for (const Matcher* m : ms) {
      CHARON_ASSIGN_OR_RETURN(PostingGroup g, ToGroup(*m, lazy));
      merged = merged ? MergeGroups(std::move(*merged), std::move(g)) : std::move(g);
    }
    if (!merged->add_all && merged->add_keys.empty()) {
      // Intersecting with nothing gives nothing; later names need no planning.
      plan.empty = true;
      plan.groups.clear();
      return plan;
    }
    // =~".*" alone constrains nothing beyond "some series".
    if (merged->add_all && merged->remove_keys.empty()) continue;
    adds_keys = adds_keys || !merged->add_all;
    plan.groups.push_back(std::move(*merged));
  }
  if (!adds_keys) {
    plan.groups.insert(plan.groups.begin(), PostingGroup{"", false, {""}, {}});
  }
  return plan;
}

PostingsPtr CombinePlan(const PostingsPlan& plan, const FetchedPostingsFn& fetched) {
  if (plan.empty) return EmptyPostings();
  auto fetch = [&fetched](const std::string& name, const std::string& value) {
    PostingsPtr p = fetched(name, value);
    return p ? std::move(p) : EmptyPostings();
  };
  std::vector<PostingsPtr> adds;
  std::vector<PostingsPtr> removes;
  for (const PostingGroup& g : plan.groups) {
    if (!g.add_all) {
      std::vector<PostingsPtr> keys;
      keys.reserve(g.add_keys.size());
      for (const std::string& v : g.add_keys) keys.push_back(fetch(g.name, v));
      adds.push_back(Merge(std::move(keys)));
    }
    for (const std::string& v : g.remove_keys) removes.push_back(fetch(g.name, v));
  }
  PostingsPtr result = Intersect(std::move(adds));
  if (removes.empty()) return result;
  return Without(std::move(result), Merge(std::move(removes)));
}

}  // namespace charon::tsdb
