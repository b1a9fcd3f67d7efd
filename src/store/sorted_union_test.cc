#include "store/sorted_union.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace charon::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SortedUnion, NoListsOrOnlyEmptyOnes) {
  EXPECT_THAT(SortedUnion({}, 0), IsEmpty());
  EXPECT_THAT(SortedUnion({{}, {}}, 0), IsEmpty());
}

TEST(SortedUnion, OneListIsTakenWholeOrCut) {
  EXPECT_THAT(SortedUnion({{}, {"a", "b", "c"}}, 0), ElementsAre("a", "b", "c"));
  EXPECT_THAT(SortedUnion({{"a", "b", "c"}}, 2), ElementsAre("a", "b"));
}

TEST(SortedUnion, MergesInByteOrderAndDropsDuplicatesAcrossLists) {
  EXPECT_THAT(SortedUnion({{"b", "d", "z"}, {"a", "b", "c"}, {"Z", "d", "e"}}, 0),
              ElementsAre("Z", "a", "b", "c", "d", "e", "z"));
  // Byte order, as Prometheus sorts: "a" < "a-1" < "a1" < "ab".
  EXPECT_THAT(SortedUnion({{"a1", "ab"}, {"a", "a-1"}}, 0), ElementsAre("a", "a-1", "a1", "ab"));
}

TEST(SortedUnion, LimitCountsDistinctValues) {
  EXPECT_THAT(SortedUnion({{"a", "b", "c"}, {"a", "b", "d"}}, 3), ElementsAre("a", "b", "c"));
  EXPECT_THAT(SortedUnion({{"a", "b"}, {"a", "b"}}, 5), ElementsAre("a", "b"));
  EXPECT_THAT(SortedUnion({{"x"}, {"y"}}, -1), ElementsAre("x", "y"));
}

TEST(SortedUnion, MovesLongStringsWithoutCopying) {
  const std::string long_value(100, 'v');
  std::vector<std::vector<std::string>> lists = {{long_value}, {"a"}};
  const char* data = lists[0][0].data();
  std::vector<std::string> out = SortedUnion(std::move(lists), 0);
  ASSERT_THAT(out, ElementsAre("a", long_value));
  EXPECT_EQ(out[1].data(), data);
}

}  // namespace
}  // namespace charon::store
