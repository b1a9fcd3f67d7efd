#include "tsdb/postings_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "testing/status_matchers.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

using LabelSet = std::map<std::string, std::string>;

// A tiny in-memory index over label sets: series i has ref i; ("", "") lists every series.
class FakeIndex {
 public:
  explicit FakeIndex(std::vector<LabelSet> series) : series_(std::move(series)) {
    for (size_t i = 0; i < series_.size(); ++i) {
      postings_[{"", ""}].push_back(i);
      for (const auto& [n, v] : series_[i]) postings_[{n, v}].push_back(i);
    }
  }

  LabelValuesFn Values() {
    return [this](std::string_view name) -> absl::StatusOr<std::vector<std::string>> {
      ++calls_[std::string(name)];
      std::set<std::string> vals;
      for (const LabelSet& s : series_) {
        auto it = s.find(std::string(name));
        if (it != s.end()) vals.insert(it->second);
      }
      return std::vector<std::string>(vals.begin(), vals.end());
    };
  }

  FetchedPostingsFn Fetched() {
    return [this](const std::string& name, const std::string& value) -> PostingsPtr {
      auto it = postings_.find({name, value});
      if (it == postings_.end()) return nullptr;
      return ListPostings(it->second);
    };
  }

  // Brute force: series whose labels satisfy every matcher, an absent label reading as "".
  std::vector<uint64_t> Select(const std::vector<Matcher>& ms) const {
    std::vector<uint64_t> out;
    if (ms.empty()) return out;
    for (size_t i = 0; i < series_.size(); ++i) {
      bool ok = true;
      for (const Matcher& m : ms) {
        auto it = series_[i].find(m.name());
        ok = ok && m.Matches(it == series_[i].end() ? "" : it->second);
      }
      if (ok) out.push_back(i);
    }
    return out;
  }

  std::map<std::string, int>& calls() { return calls_; }

 private:
  std::vector<LabelSet> series_;
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> postings_;
  std::map<std::string, int> calls_;
};

// The series of the acceptance table in the design (Prometheus' PostingsForMatchers test data).
std::vector<LabelSet> AcceptanceSeries() {
  return {
      {{"n", "1"}}, {{"n", "1"}, {"i", "a"}}, {{"n", "1"}, {"i", "b"}},
      {{"n", "2"}}, {{"n", "2.5"}},
  };
}

Matcher M(std::string name, MatchType t, std::string value) {
  absl::StatusOr<Matcher> m = Matcher::Create(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

constexpr MatchType kEq = MatchType::kEqual;
constexpr MatchType kNeq = MatchType::kNotEqual;
constexpr MatchType kRe = MatchType::kRegexMatch;
constexpr MatchType kNre = MatchType::kRegexNoMatch;

std::string Describe(const std::vector<Matcher>& ms) {
  std::string out = "{";
  for (const Matcher& m : ms) out += (out.size() > 1 ? "," : "") + m.String();
  return out + "}";
}

std::vector<uint64_t> PlanAndCombine(FakeIndex& index, const std::vector<Matcher>& ms) {
  absl::StatusOr<PostingsPlan> plan = PlanPostings(ms, index.Values());
  EXPECT_TRUE(plan.ok()) << plan.status();
  if (!plan.ok()) return {};
  PostingsPtr p = CombinePlan(*plan, index.Fetched());
  absl::StatusOr<std::vector<uint64_t>> refs = ExpandPostings(*p);
  EXPECT_TRUE(refs.ok()) << refs.status();
  return refs.ok() ? *refs : std::vector<uint64_t>{};
}

TEST(PlanPostings, AcceptanceTable) {
  struct Case {
    std::vector<Matcher> ms;
    std::vector<uint64_t> want;
  };
  const std::vector<Case> cases = {
      {{M("n", kEq, "1")}, {0, 1, 2}},
      {{M("n", kEq, "1"), M("i", kEq, "a")}, {1}},
      {{M("n", kEq, "1"), M("i", kEq, "missing")}, {}},
      {{M("missing", kEq, "")}, {0, 1, 2, 3, 4}},
      {{M("missing", kNeq, "")}, {}},
      {{M("n", kEq, "1"), M("i", kEq, "")}, {0}},
      {{M("n", kEq, "1"), M("i", kNeq, "")}, {1, 2}},
      {{M("n", kEq, "1"), M("i", kNeq, "a")}, {0, 2}},
      {{M("n", kRe, "^1$")}, {0, 1, 2}},
      {{M("n", kRe, "1|2.5")}, {0, 1, 2, 4}},
      {{M("n", kRe, "2|2\\.5")}, {3, 4}},
      {{M("n", kEq, "1"), M("i", kRe, "^a$")}, {1}},
      {{M("n", kEq, "1"), M("i", kRe, "^a?$")}, {0, 1}},
      {{M("i", kRe, "^a?$")}, {0, 1, 3, 4}},
      {{M("n", kEq, "1"), M("i", kRe, "^$")}, {0}},
      {{M("n", kEq, "1"), M("i", kRe, "^.*$")}, {0, 1, 2}},
      {{M("n", kEq, "1"), M("i", kRe, "^.+$")}, {1, 2}},
      {{M("n", kEq, "1"), M("i", kNre, "^a$")}, {0, 2}},
      {{M("n", kEq, "1"), M("i", kNre, "^a?$")}, {2}},
      {{M("n", kEq, "1"), M("i", kNre, "^$")}, {1, 2}},
      {{M("n", kEq, "1"), M("i", kNre, "^.*$")}, {}},
      {{M("n", kEq, "1"), M("i", kNre, "^.+$")}, {0}},
      {{M("n", kEq, "1"), M("i", kNre, "a|b")}, {0}},
      {{M("n", kEq, "1"), M("i", kNre, ".*")}, {}},
      {{M("n", kEq, "1"), M("i", kRe, ".*")}, {0, 1, 2}},
      {{M("n", kEq, "1"), M("i", kRe, ".+")}, {1, 2}},
      {{M("n", kEq, "1"), M("i", kNre, ".+")}, {0}},
      {{M("n", kEq, "1"), M("i", kNeq, "")}, {1, 2}},
      {{M("i", kEq, "")}, {0, 3, 4}},
      {{M("i", kRe, "c||d")}, {0, 3, 4}},
      {{M("n", kRe, ".*")}, {0, 1, 2, 3, 4}},
      {{M("n", kNre, "1")}, {3, 4}},
      {{M("n", kRe, "1"), M("n", kRe, "1|2")}, {0, 1, 2}},
      {{M("n", kRe, "1|2"), M("n", kNeq, "2")}, {0, 1, 2}},
      {{M("n", kNeq, "1"), M("n", kNeq, "2")}, {4}},
      {{M("n", kEq, "1"), M("n", kEq, "2")}, {}},
      {{M("i", kRe, "(?i)A")}, {1}},
      {{}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(Describe(c.ms));
    FakeIndex index(AcceptanceSeries());
    EXPECT_THAT(PlanAndCombine(index, c.ms), ElementsAreArray(c.want));
    EXPECT_THAT(index.Select(c.ms), ElementsAreArray(c.want)) << "oracle disagrees with table";
  }
}

TEST(PlanPostings, GroupsFollowTheDesignTable) {
  struct Case {
    Matcher m;
    bool empty;
    bool add_all;
    std::vector<std::string> add, remove;
    bool reads_values;
  };
  const std::vector<Case> cases = {
      // Every group's name is "i"; the all-postings group, when added, is skipped below.
      // `.` does not match a newline, so .* and .+ check values like any other regex.
      {M("i", kRe, ".*"), false, true, {}, {}, true},
      {M("i", kNre, ".*"), true, false, {}, {}, true},
      {M("i", kNre, "x|y"), false, true, {}, {"x", "y"}, false},
      {M("i", kNeq, "x"), false, true, {}, {"x"}, false},
      {M("i", kEq, ""), false, true, {}, {"a", "b", "ba"}, true},
      {M("i", kRe, ""), false, true, {}, {"a", "b", "ba"}, true},
      {M("i", kNre, ".+"), false, true, {}, {"a", "b", "ba"}, true},
      {M("i", kRe, "b.*|"), false, true, {}, {"a"}, true},
      {M("i", kNre, "b.*"), false, true, {}, {"b", "ba"}, true},
      {M("i", kRe, "b|a"), false, false, {"a", "b"}, {}, false},
      {M("i", kEq, "zz"), false, false, {"zz"}, {}, false},
      {M("i", kNeq, ""), false, false, {"a", "b", "ba"}, {}, true},
      {M("i", kNre, ""), false, false, {"a", "b", "ba"}, {}, true},
      {M("i", kRe, ".+"), false, false, {"a", "b", "ba"}, {}, true},
      {M("i", kRe, "b.+"), false, false, {"ba"}, {}, true},
      {M("i", kRe, "z.+"), true, false, {}, {}, true},
      {M("i", kNre, "a|b|ba|"), true, false, {}, {}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.m.String());
    FakeIndex index({{{"i", "a"}}, {{"i", "b"}}, {{"i", "ba"}}, {{"j", "x"}}});
    ASSERT_OK_AND_ASSIGN(PostingsPlan plan,
                         PlanPostings(std::vector<Matcher>{c.m}, index.Values()));
    EXPECT_EQ(plan.empty, c.empty);
    EXPECT_EQ(index.calls()["i"], c.reads_values ? 1 : 0);
    if (c.empty) {
      EXPECT_THAT(plan.groups, IsEmpty());
      continue;
    }
    std::vector<PostingGroup> groups;
    bool all_postings = false;
    for (const PostingGroup& g : plan.groups) {
      if (g.name.empty()) {
        all_postings = true;
        EXPECT_FALSE(g.add_all);
        EXPECT_THAT(g.add_keys, ElementsAre(""));
      } else {
        groups.push_back(g);
      }
    }
    EXPECT_EQ(all_postings, c.add_all);
    if (c.add_all && c.remove.empty()) {
      EXPECT_THAT(groups, IsEmpty());
      continue;
    }
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].name, "i");
    EXPECT_EQ(groups[0].add_all, c.add_all);
    EXPECT_THAT(groups[0].add_keys, ElementsAreArray(c.add));
    EXPECT_THAT(groups[0].remove_keys, ElementsAreArray(c.remove));
  }
}

TEST(PlanPostings, MergesMatchersOnOneName) {
  FakeIndex index({{{"i", "a"}}, {{"i", "b"}}, {{"i", "c"}}});
  // add ∧ add → intersection.
  ASSERT_OK_AND_ASSIGN(
      PostingsPlan p1,
      PlanPostings(std::vector<Matcher>{M("i", kRe, "a|b"), M("i", kRe, "b|c")}, index.Values()));
  ASSERT_EQ(p1.groups.size(), 1u);
  EXPECT_THAT(p1.groups[0].add_keys, ElementsAre("b"));
  // addAll ∧ add → add minus removes.
  ASSERT_OK_AND_ASSIGN(
      PostingsPlan p2,
      PlanPostings(std::vector<Matcher>{M("i", kNeq, "b"), M("i", kRe, "a|b")}, index.Values()));
  ASSERT_EQ(p2.groups.size(), 1u);
  EXPECT_FALSE(p2.groups[0].add_all);
  EXPECT_THAT(p2.groups[0].add_keys, ElementsAre("a"));
  EXPECT_THAT(p2.groups[0].remove_keys, IsEmpty());
  // addAll ∧ addAll → union of removes, plus the all-postings group.
  ASSERT_OK_AND_ASSIGN(
      PostingsPlan p3,
      PlanPostings(std::vector<Matcher>{M("i", kNeq, "c"), M("i", kNre, "a|b")}, index.Values()));
  ASSERT_EQ(p3.groups.size(), 2u);
  EXPECT_EQ(p3.groups[0].name, "");
  EXPECT_TRUE(p3.groups[1].add_all);
  EXPECT_THAT(p3.groups[1].remove_keys, ElementsAre("a", "b", "c"));
  EXPECT_EQ(index.calls()["i"], 0);
}

TEST(PlanPostings, ReadsValuesOncePerNameAndOnlyWhenNeeded) {
  FakeIndex index(AcceptanceSeries());
  const std::vector<Matcher> ms = {M("i", kRe, "a.*"), M("i", kNre, "b.*"), M("i", kNeq, ""),
                                   M("n", kEq, "1"),   M("n", kRe, "1|2"),  M("x", kRe, ".*")};
  ASSERT_OK_AND_ASSIGN(PostingsPlan plan, PlanPostings(ms, index.Values()));
  EXPECT_EQ(index.calls()["i"], 1);
  EXPECT_EQ(index.calls().count("n"), 0u);
  EXPECT_EQ(index.calls()["x"], 1);  // .* must skip values holding a newline
  PostingsPtr result = CombinePlan(plan, index.Fetched());
  ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> refs, ExpandPostings(*result));
  EXPECT_THAT(refs, ElementsAre(1u));
}

TEST(PlanPostings, StopsAtTheFirstEmptyGroup) {
  FakeIndex index(AcceptanceSeries());
  const std::vector<Matcher> ms = {M("a", kNre, ".*"), M("b", kRe, "x.+")};
  ASSERT_OK_AND_ASSIGN(PostingsPlan plan, PlanPostings(ms, index.Values()));
  EXPECT_TRUE(plan.empty);
  EXPECT_EQ(index.calls().count("b"), 0u);
  PostingsPtr result = CombinePlan(plan, index.Fetched());
  ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> refs, ExpandPostings(*result));
  EXPECT_THAT(refs, IsEmpty());
}

TEST(PlanPostings, LabelValuesErrorPropagates) {
  LabelValuesFn failing = [](std::string_view) -> absl::StatusOr<std::vector<std::string>> {
    return absl::UnavailableError("header gone");
  };
  EXPECT_THAT(PlanPostings(std::vector<Matcher>{M("i", kRe, "a.*")}, failing),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_OK(PlanPostings(std::vector<Matcher>{M("i", kRe, "a|b")}, failing));
}

TEST(PlanPostings, UnsortedLabelValuesAreNormalised) {
  LabelValuesFn unsorted = [](std::string_view) -> absl::StatusOr<std::vector<std::string>> {
    return std::vector<std::string>{"c", "a", "b", "a"};
  };
  ASSERT_OK_AND_ASSIGN(PostingsPlan plan,
                       PlanPostings(std::vector<Matcher>{M("i", kNeq, "")}, unsorted));
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_THAT(plan.groups[0].add_keys, ElementsAre("a", "b", "c"));
}

TEST(CombinePlan, FetchErrorsSurfaceInStatus) {
  FakeIndex index(AcceptanceSeries());
  ASSERT_OK_AND_ASSIGN(
      PostingsPlan plan,
      PlanPostings(std::vector<Matcher>{M("n", kEq, "1"), M("i", kNeq, "a")}, index.Values()));
  for (const char* failing : {"n", "i"}) {
    SCOPED_TRACE(failing);
    FetchedPostingsFn fetched = [&](const std::string& name, const std::string& value) {
      if (name == failing) return ErrPostings(absl::UnavailableError("fetch"));
      return index.Fetched()(name, value);
    };
    EXPECT_THAT(ExpandPostings(*CombinePlan(plan, fetched)),
                StatusIs(absl::StatusCode::kUnavailable));
  }
}

// Every matcher combination over a synthetic series set against brute-force filtering.
TEST(PlanPostings, AgreesWithBruteForceOracle) {
  std::mt19937 rng(7);
  const std::vector<std::string> names = {"a", "b", "c", "missing"};
  const std::vector<std::string> label_values = {"x", "y", "xy", "yx", "z", "1", "10", "x.y", "é"};
  std::vector<LabelSet> series;
  for (int i = 0; i < 60; ++i) {
    LabelSet s;
    for (size_t k = 0; k + 1 < names.size(); ++k) {
      if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) continue;  // label absent
      s[names[k]] =
          label_values[std::uniform_int_distribution<size_t>(0, label_values.size() - 1)(rng)];
    }
    series.push_back(s);
  }
  const std::vector<std::string> patterns = {
      "",     "x",    "y|z",   "x|",   ".*",    ".+",  "x.*", "x.+",     "(x|y)z?", "^x?$",
      "c||d", "[xy]", "(?i)X", "1|10", "x\\.y", "x.y", "é|z", "nomatch", ".*y",     "(x|y)(|x|y)"};
  const MatchType types[] = {kEq, kNeq, kRe, kNre};
  auto random_matcher = [&] {
    const std::string& n = names[std::uniform_int_distribution<size_t>(0, names.size() - 1)(rng)];
    const std::string& v =
        patterns[std::uniform_int_distribution<size_t>(0, patterns.size() - 1)(rng)];
    return M(n, types[std::uniform_int_distribution<int>(0, 3)(rng)], v);
  };
  int non_empty = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<Matcher> ms;
    for (int k = std::uniform_int_distribution<int>(1, 3)(rng); k > 0; --k) {
      ms.push_back(random_matcher());
    }
    SCOPED_TRACE(Describe(ms));
    FakeIndex index(series);
    const std::vector<uint64_t> want = index.Select(ms);
    ASSERT_THAT(PlanAndCombine(index, ms), ElementsAreArray(want));
    for (const auto& [name, calls] : index.calls()) {
      ASSERT_LE(calls, 1) << name;
    }
    non_empty += !want.empty();
  }
  EXPECT_GT(non_empty, 500);
}

}  // namespace
}  // namespace charon::tsdb
