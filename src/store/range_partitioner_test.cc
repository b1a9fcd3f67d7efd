#include "store/range_partitioner.h"

#include <gtest/gtest.h>

#include <vector>

namespace charon::store {
namespace {

TEST(PartitionRanges, Table) {
  struct Case {
    const char* name;
    std::vector<ByteRange> in;
    int64_t gap;
    std::vector<Part> want;
  };
  const std::vector<Case> cases = {
      {"empty", {}, 10, {}},
      {"one", {{5, 9}}, 10, {{5, 9, 0, 0}}},
      {"gap within limit merges", {{0, 10}, {15, 20}}, 5, {{0, 20, 0, 1}}},
      {"gap over limit splits", {{0, 10}, {16, 20}}, 5, {{0, 10, 0, 0}, {16, 20, 1, 1}}},
      {"overlaps merge", {{0, 10}, {5, 8}, {9, 30}}, 0, {{0, 30, 0, 2}}},
      {"contained range keeps end",
       {{0, 100}, {10, 20}, {120, 130}},
       10,
       {{0, 100, 0, 1}, {120, 130, 2, 2}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(PartitionRanges(c.in, c.gap), c.want);
  }
}

}  // namespace
}  // namespace charon::store
