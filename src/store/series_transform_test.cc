#include "store/series_transform.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>

namespace charon::store {
namespace {

using tsdb::Labels;

Labels L(std::initializer_list<std::pair<const char*, const char*>> kv) {
  Labels ls;
  for (auto& [k, v] : kv) ls.push_back({k, v});
  return ls;
}

TEST(SeriesTransform, InsertsOverridesAndRemoves) {
  SeriesTransform t(L({{"cluster", "a"}, {"replica", "r1"}}), {"__name__", "job"}, {"replica"});
  Labels ls = L({{"__name__", "up"}, {"job", "x"}});
  t.Apply(ls);
  EXPECT_EQ(ls, L({{"__name__", "up"}, {"cluster", "a"}, {"job", "x"}}));
  EXPECT_TRUE(t.order_preserving());

  SeriesTransform over(L({{"job", "ext"}}), {"__name__", "job"}, {});
  Labels ls2 = L({{"__name__", "up"}, {"job", "x"}});
  over.Apply(ls2);
  EXPECT_EQ(ls2, L({{"__name__", "up"}, {"job", "ext"}}));
  EXPECT_FALSE(over.order_preserving());

  SeriesTransform removes_index_label({}, {"__name__", "instance"}, {"instance"});
  EXPECT_FALSE(removes_index_label.order_preserving());
}

// Index order is label order; after inserting external labels the restorer must reproduce the
// order a full sort gives, for random label sets with many prefix relations.
TEST(OrderRestorer, MatchesFullSortOnRandomSets) {
  const std::vector<std::string> names = {"__name__", "a", "b", "d", "m", "z"};
  for (const Labels& ext :
       {L({{"c", "x"}}), L({{"zz", "x"}}), L({{"a0", "1"}, {"n", "2"}}), L({{"0", "x"}})}) {
    std::mt19937 rng(42);
    std::vector<Labels> index;
    for (int i = 0; i < 400; ++i) {
      Labels ls = {{"__name__", std::string(1, static_cast<char>('p' + rng() % 3))}};
      for (size_t n = 1; n < names.size(); ++n) {
        if (rng() % 2) ls.push_back({names[n], std::to_string(rng() % 3)});
      }
      index.push_back(ls);
    }
    std::sort(index.begin(), index.end());
    index.erase(std::unique(index.begin(), index.end()), index.end());

    std::vector<std::string> index_names(names.begin(), names.end());
    SeriesTransform t(ext, index_names, {});
    ASSERT_TRUE(t.order_preserving());
    OrderRestorer r;
    std::deque<LoadedSeries> out;
    std::vector<Labels> want;
    for (const auto& ls : index) {
      LoadedSeries s;
      s.labels = ls;
      bool defer = t.MayDefer(ls.back().name);
      t.Apply(s.labels);
      want.push_back(s.labels);
      r.Push(std::move(s), defer, out);
    }
    r.Finish(out);
    std::sort(want.begin(), want.end(),
              [](const Labels& a, const Labels& b) { return tsdb::CompareLabels(a, b) < 0; });
    std::vector<Labels> got;
    for (auto& s : out) got.push_back(s.labels);
    EXPECT_EQ(got, want) << "external " << tsdb::LabelsToString(ext);
  }
}

}  // namespace
}  // namespace charon::store
