#include "block/label_sharded_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "block/block_test_util.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

std::string ShardConfig(int shard) {
  return "- action: hashmod\n"
         "  source_labels: [__block_id]\n"
         "  modulus: 2\n"
         "  target_label: shard\n"
         "- action: keep\n"
         "  source_labels: [shard]\n"
         "  regex: '" +
         std::to_string(shard) + "'\n";
}

TEST(LabelShardedFilter, BlockLabelsAddBlockIdToExternalLabels) {
  base::Ulid id = base::Ulid::FromTime(5, 5);
  auto meta = testutil::Meta(
      {.id = id, .labels = {{"zone", "a"}, {"empty", ""}, {"__block_id", "spoofed"}}});
  EXPECT_EQ(LabelShardedFilter::BlockLabels(id, *meta),
            (tsdb::Labels{{"__block_id", id.ToString()}, {"zone", "a"}}));
}

TEST(LabelShardedFilter, NoRulesKeepEverything) {
  ASSERT_OK_AND_ASSIGN(RelabelConfig config, RelabelConfig::Parse(""));
  LabelShardedFilter f(std::move(config));
  base::Ulid id = base::Ulid::FromTime(5, 5);
  MetaMap metas{{id, testutil::Meta({.id = id})}};
  SyncedCounts synced;
  ASSERT_OK(f.Filter(metas, synced));
  EXPECT_EQ(metas.size(), 1u);
}

TEST(LabelShardedFilter, SelectsOnExternalLabels) {
  ASSERT_OK_AND_ASSIGN(RelabelConfig config,
                       RelabelConfig::Parse("- action: drop\n  source_labels: [zone]\n"
                                            "  regex: b\n"));
  LabelShardedFilter f(std::move(config));
  base::Ulid a = base::Ulid::FromTime(5, 1);
  base::Ulid b = base::Ulid::FromTime(5, 2);
  MetaMap metas{{a, testutil::Meta({.id = a, .labels = {{"zone", "a"}}})},
                {b, testutil::Meta({.id = b, .labels = {{"zone", "b"}}})}};
  SyncedCounts synced;
  ASSERT_OK(f.Filter(metas, synced));
  ASSERT_EQ(metas.size(), 1u);
  EXPECT_EQ(metas.begin()->first, a);
  EXPECT_EQ(synced.Get(kLabelExcludedState), 1);
}

TEST(LabelShardedFilter, HashModIntoTwoShardsSplitsDisjointlyAndCompletely) {
  MetaMap all;
  for (uint64_t i = 0; i < 64; ++i) {
    base::Ulid id = base::Ulid::FromTime(1'600'000'000'000 + i * 1000, i);
    all[id] = testutil::Meta({.id = id});
  }
  std::set<base::Ulid> seen;
  int64_t excluded = 0;
  for (int shard = 0; shard < 2; ++shard) {
    SCOPED_TRACE(shard);
    ASSERT_OK_AND_ASSIGN(RelabelConfig config, RelabelConfig::Parse(ShardConfig(shard)));
    LabelShardedFilter f(std::move(config));
    MetaMap metas = all;
    SyncedCounts synced;
    ASSERT_OK(f.Filter(metas, synced));
    EXPECT_GT(metas.size(), 0u);
    EXPECT_LT(metas.size(), all.size());
    for (const auto& [id, meta] : metas) {
      EXPECT_TRUE(seen.insert(id).second) << id.ToString() << " in both shards";
      EXPECT_EQ(HashMod(id.ToString(), 2), static_cast<uint64_t>(shard));
    }
    excluded += synced.Get(kLabelExcludedState);
  }
  EXPECT_EQ(seen.size(), all.size());
  EXPECT_EQ(excluded, static_cast<int64_t>(all.size()));
}

}  // namespace
}  // namespace charon::block
