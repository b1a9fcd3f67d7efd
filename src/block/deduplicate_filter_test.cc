#include "block/deduplicate_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "block/block_test_util.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::testing::UnorderedElementsAreArray;

base::Ulid U(uint64_t n) { return base::Ulid::FromTime(1'600'000'000'000 + n, n); }

struct Block {
  uint64_t id;
  std::vector<uint64_t> sources;
  int64_t resolution = 0;
  std::map<std::string, std::string> labels{};
};

TEST(DeduplicateFilter, Table) {
  struct Case {
    const char* name;
    std::vector<Block> blocks;
    std::vector<uint64_t> kept;
  };
  const std::vector<Case> cases = {
      {"no overlap", {{1, {1}}, {2, {2}}, {3, {3}}}, {1, 2, 3}},
      {"compacted block hides its sources", {{1, {1}}, {2, {2}}, {3, {1, 2}}}, {3}},
      {"partial compaction hides only covered",
       {{1, {1}}, {2, {2}}, {3, {3}}, {4, {1, 2}}},
       {3, 4}},
      {"two levels", {{1, {1}}, {2, {2}}, {3, {3}}, {4, {1, 2}}, {5, {1, 2, 3}}}, {5}},
      {"same sources: lower ULID wins", {{5, {1, 2}}, {4, {1, 2}}}, {4}},
      {"overlapping but not subset", {{3, {1, 2}}, {4, {2, 5}}}, {3, 4}},
      {"different resolution is another group",
       {{1, {1}}, {2, {2}}, {3, {1, 2}}, {4, {1, 2}, 300000}},
       {3, 4}},
      {"different labels is another group",
       {{1, {1}, 0, {{"r", "a"}}}, {3, {1, 2}, 0, {{"r", "b"}}}},
       {1, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    MetaMap metas;
    for (const Block& b : c.blocks) {
      std::vector<base::Ulid> sources;
      for (uint64_t s : b.sources) sources.push_back(U(s));
      metas[U(b.id)] = testutil::Meta(
          {.id = U(b.id), .sources = sources, .labels = b.labels, .resolution = b.resolution});
    }
    DeduplicateFilter f;
    SyncedCounts synced;
    ASSERT_OK(f.Filter(metas, synced));
    std::vector<base::Ulid> kept, want;
    for (const auto& [id, meta] : metas) kept.push_back(id);
    for (uint64_t k : c.kept) want.push_back(U(k));
    EXPECT_THAT(kept, UnorderedElementsAreArray(want));
    EXPECT_EQ(synced.Get(kDuplicateState), static_cast<int64_t>(c.blocks.size() - c.kept.size()));
    EXPECT_EQ(f.DuplicateIds().size(), c.blocks.size() - c.kept.size());
  }
}

}  // namespace
}  // namespace charon::block
