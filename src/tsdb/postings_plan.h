// Pure planning of matchers into posting groups, and combining fetched lists into the result,
// as Thanos' matchersToPostingGroups does (semantics equal Prometheus' PostingsForMatchers).
// Planning needs only label values; fetching the lists is the caller's I/O, so the store can
// fetch every key of every group in one coalesced pass.
//
// A group means (add_all ? ALL : union(postings(add_keys))) \ union(postings(remove_keys)).
// The result is intersect(groups' add side) \ merge(all remove keys).
#ifndef CHARON_TSDB_POSTINGS_PLAN_H_
#define CHARON_TSDB_POSTINGS_PLAN_H_

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/matcher.h"
#include "tsdb/postings.h"

namespace charon::tsdb {

struct PostingGroup {
  std::string name;
  bool add_all = false;
  std::vector<std::string> add_keys;     // values of `name`, sorted unique
  std::vector<std::string> remove_keys;  // values of `name`, sorted unique
};

struct PostingsPlan {
  // True when the matchers select nothing whatever the lists hold (e.g. `x!~".*"`, `x="a",x="b"`,
  // or `x=~"a.+"` when no value of x starts with "a"); groups is then empty.
  bool empty = false;
  // One group per label name, in name order (the all-postings group, when added, first). A group
  // is either add_all with remove_keys, or add_keys only.
  std::vector<PostingGroup> groups;
  // When no group adds keys, the all-postings list (name "", value "") must be fetched and
  // intersected; PlanPostings then adds a group {name "", add_keys {""}} itself.
};

// Sorted label values of a name, as the index has them (empty if the name is unknown).
using LabelValuesFn =
    std::function<absl::StatusOr<std::vector<std::string>>(std::string_view name)>;

// Plans `matchers` (at least one; an empty list plans to `empty`). Calls `values` at most once per
// label name, only when a matcher needs the value list.
absl::StatusOr<PostingsPlan> PlanPostings(std::span<const Matcher> matchers,
                                          const LabelValuesFn& values);

// Fetched postings per (name, value) key; a key absent from the map is an empty list.
using FetchedPostingsFn =
    std::function<PostingsPtr(const std::string& name, const std::string& value)>;

// Builds the result iterator of a plan made by PlanPostings from fetched lists (`fetched` may
// return null for an empty list). Errors of fetched lists surface through the result's status().
PostingsPtr CombinePlan(const PostingsPlan& plan, const FetchedPostingsFn& fetched);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_POSTINGS_PLAN_H_
