#include "cache/subranges.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace charon::cache {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CoveringSubranges, AlignsAndCutsTheLastAtTheEnd) {
  EXPECT_THAT(CoveringSubranges(12, 19, 35, 10),
              ElementsAre(ByteRange{10, 20}, ByteRange{20, 30}, ByteRange{30, 35}));
  EXPECT_THAT(CoveringSubranges(0, 10, 35, 10), ElementsAre(ByteRange{0, 10}));
  EXPECT_THAT(CoveringSubranges(10, 1, 35, 10), ElementsAre(ByteRange{10, 20}));
  EXPECT_THAT(CoveringSubranges(30, 100, 35, 10), ElementsAre(ByteRange{30, 35}));
  EXPECT_THAT(CoveringSubranges(35, 5, 35, 10), IsEmpty());
  EXPECT_THAT(CoveringSubranges(50, 5, 35, 10), IsEmpty());
  EXPECT_THAT(CoveringSubranges(3, 0, 35, 10), IsEmpty());
  EXPECT_THAT(CoveringSubranges(0, 40, 40, 10), ElementsAre(ByteRange{0, 10}, ByteRange{10, 20},
                                                            ByteRange{20, 30}, ByteRange{30, 40}));
}

TEST(MergeMissing, MergesAdjacentThenGrowingGaps) {
  struct Case {
    std::vector<ByteRange> in;
    int max;
    std::vector<ByteRange> want;
  };
  const Case cases[] = {
      // Adjacent pieces always become one.
      {{{0, 10}, {10, 20}, {40, 50}}, 0, {{0, 20}, {40, 50}}},
      {{{0, 10}, {10, 20}, {40, 50}}, 3, {{0, 20}, {40, 50}}},
      // Gap of 10 merged first (limit 10), the gap of 30 needs limit 40.
      {{{0, 10}, {20, 30}, {60, 70}}, 2, {{0, 30}, {60, 70}}},
      {{{0, 10}, {20, 30}, {60, 70}}, 1, {{0, 70}}},
      // Unlimited: only adjacent merging.
      {{{0, 10}, {20, 30}, {60, 70}}, -1, {{0, 10}, {20, 30}, {60, 70}}},
      {{}, 1, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "max " << c.max << " n " << c.in.size());
    EXPECT_EQ(MergeMissing(c.in, 10, c.max), c.want);
  }
}

TEST(SubrangeKey, IsThanosFormat) {
  EXPECT_EQ(SubrangeKey("01ABC/chunks/000001", {16000, 32000}),
            "subrange:01ABC/chunks/000001:16000:32000");
}

}  // namespace
}  // namespace charon::cache
