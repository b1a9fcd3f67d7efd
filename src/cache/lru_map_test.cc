#include "cache/lru_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace charon::cache {
namespace {

using ::testing::ElementsAre;

struct Item {
  std::string key;
  int64_t size;
};
struct ItemSize {
  int64_t operator()(const Item& i) const { return i.size; }
};

class LruMapTest : public ::testing::Test {
 protected:
  LruMap<Item, ItemSize> lru_{10, [this](const Item& i, int64_t size) {
                                removed_.push_back(i.key);
                                removed_bytes_ += size;
                              }};
  std::vector<std::string> removed_;
  int64_t removed_bytes_ = 0;
};

TEST_F(LruMapTest, EvictsTheLeastRecentlyUsedUntilTheNewEntryFits) {
  lru_.Insert({"a", 3});
  lru_.Insert({"b", 3});
  lru_.Insert({"c", 3});
  ASSERT_NE(lru_.Get("a"), nullptr);  // b is now the oldest
  lru_.Insert({"d", 4});              // 13 > 10: b goes, then 10 fits
  EXPECT_THAT(removed_, ElementsAre("b"));
  EXPECT_EQ(lru_.Get("b"), nullptr);
  EXPECT_EQ(lru_.count(), 3);
  EXPECT_EQ(lru_.size(), 10);
  lru_.Insert({"e", 5});  // c, then a
  EXPECT_THAT(removed_, ElementsAre("b", "c", "a"));
  EXPECT_EQ(lru_.size(), 9);
  EXPECT_EQ(removed_bytes_, 9);
}

TEST_F(LruMapTest, RemoveAccountsForTheEntryAndIgnoresAbsentKeys) {
  lru_.Insert({"a", 4});
  lru_.Remove("absent");
  EXPECT_THAT(removed_, ::testing::IsEmpty());
  lru_.Remove("a");
  EXPECT_THAT(removed_, ElementsAre("a"));
  EXPECT_EQ(lru_.size(), 0);
  EXPECT_EQ(lru_.count(), 0);
  EXPECT_EQ(lru_.Get("a"), nullptr);
}

TEST_F(LruMapTest, AnEntryLargerThanTheMaximumEvictsEverything) {
  lru_.Insert({"a", 4});
  lru_.Insert({"b", 4});
  lru_.Insert({"huge", 11});
  EXPECT_THAT(removed_, ElementsAre("a", "b"));
  EXPECT_EQ(lru_.count(), 1);
  EXPECT_EQ(lru_.size(), 11);
}

}  // namespace
}  // namespace charon::cache
