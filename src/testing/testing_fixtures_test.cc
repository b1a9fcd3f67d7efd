// Builds every ready-made fixture with promtool and checks it against the dump oracle.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "testing/block_fixtures.h"
#include "testing/promtool_dump.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::testing {
namespace {

namespace fs = std::filesystem;

struct Built {
  TempDir dir;
  std::vector<std::string> blocks;
};

Built BuildOrDie(const BlockBuilder& b) {
  absl::StatusOr<TempDir> dir = TempDir::Create("fixture");
  EXPECT_OK(dir);
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<std::string>> blocks = b.WriteBlocks(dir->path());
  EXPECT_OK(blocks);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::cerr << "blocks written in " << took.count() << "s\n";
  return Built{*std::move(dir), blocks.ok() ? *blocks : std::vector<std::string>{}};
}

nlohmann::json ReadMeta(const std::string& block) {
  absl::StatusOr<std::string> text = ReadFile(block + "/meta.json");
  EXPECT_OK(text);
  return nlohmann::json::parse(text.ok() ? *text : "{}");
}

TEST(FewSeriesManySamples, TwentyFourBlocksMatchDump) {
  BlockBuilder b = FewSeriesManySamples();
  Built built = BuildOrDie(b);
  ASSERT_EQ(built.blocks.size(), 24u);
  for (size_t i = 0; i < built.blocks.size(); ++i) {
    nlohmann::json meta = ReadMeta(built.blocks[i]);
    EXPECT_EQ(meta["minTime"].get<int64_t>(),
              kFixtureStartMs + static_cast<int64_t>(i) * kTwoHoursMs);
    EXPECT_EQ(meta["stats"]["numSeries"].get<int64_t>(), 10);
  }
  ASSERT_OK_AND_ASSIGN(SeriesSamples dumped, DumpBlocks(built.blocks));
  EXPECT_EQ(dumped.size(), 10u);
  EXPECT_EQ(CountSamples(dumped), 10 * 11520);
  EXPECT_TRUE(dumped == b.Expected());
}

TEST(ManySeriesFewSamples, OneBlockWithAllSeries) {
  BlockBuilder b = ManySeriesFewSamples();
  Built built = BuildOrDie(b);
  ASSERT_EQ(built.blocks.size(), 1u);
  EXPECT_EQ(ReadMeta(built.blocks[0])["stats"]["numSeries"].get<int64_t>(), 100'000);
  ASSERT_OK_AND_ASSIGN(SeriesSamples dumped, DumpBlocks(built.blocks));
  EXPECT_EQ(dumped.size(), 100'000u);
  EXPECT_EQ(CountSamples(dumped), 300'000);
  EXPECT_TRUE(dumped == b.Expected());
}

TEST(TrickyLabels, RoundTripThroughPromtool) {
  BlockBuilder b = TrickyLabels();
  Built built = BuildOrDie(b);
  ASSERT_EQ(built.blocks.size(), 1u);
  ASSERT_OK_AND_ASSIGN(SeriesSamples dumped, DumpBlocks(built.blocks));
  SeriesSamples expected = b.Expected();
  EXPECT_EQ(dumped.size(), expected.size());
  EXPECT_EQ(CountSamples(dumped), CountSamples(expected));
  for (const auto& [labels, samples] : expected) {
    auto it = dumped.find(labels);
    ASSERT_NE(it, dumped.end()) << "missing series with " << labels.size()
                                << " labels, first value "
                                << (labels.empty() ? "" : labels.back().value.substr(0, 40));
    EXPECT_TRUE(it->second == samples);
  }
  // The empty-valued label is gone.
  tsdb::Labels empty_dropped = {{"__name__", "tricky_empty"}, {"k", "v"}};
  EXPECT_TRUE(dumped.contains(empty_dropped));
  // `le` is kept as written.
  tsdb::Labels bucket = {
      {"__name__", "tricky_latency_seconds_bucket"}, {"job", "fixture"}, {"le", "1"}};
  EXPECT_TRUE(dumped.contains(bucket));
}

TEST(AdjacentBlocks, ThreeBlocksCutAtTwoHours) {
  BlockBuilder b = AdjacentBlocks();
  Built built = BuildOrDie(b);
  ASSERT_EQ(built.blocks.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    nlohmann::json meta = ReadMeta(built.blocks[i]);
    int64_t lo = kFixtureStartMs + static_cast<int64_t>(i) * kTwoHoursMs;
    EXPECT_EQ(meta["minTime"].get<int64_t>(), lo);
    EXPECT_EQ(meta["maxTime"].get<int64_t>(), lo + kTwoHoursMs);  // last sample lo+2h-1, plus 1
  }
  EXPECT_EQ(ReadMeta(built.blocks[1])["stats"]["numSeries"].get<int64_t>(), 3);
  EXPECT_EQ(ReadMeta(built.blocks[0])["stats"]["numSeries"].get<int64_t>(), 2);
  ASSERT_OK_AND_ASSIGN(SeriesSamples dumped, DumpBlocks(built.blocks));
  EXPECT_TRUE(dumped == b.Expected());
  // Each block alone holds exactly its half-open 2h range.
  ASSERT_OK_AND_ASSIGN(SeriesSamples middle, DumpBlocks({built.blocks[1]}));
  DumpOptions range{kFixtureStartMs + kTwoHoursMs, kFixtureStartMs + 2 * kTwoHoursMs - 1, ""};
  ASSERT_OK_AND_ASSIGN(SeriesSamples middle_by_time, DumpBlocks(built.blocks, range));
  EXPECT_TRUE(middle == middle_by_time);
}

TEST(ThanosMeta, SectionWrittenAndTombstonesLeftOut) {
  BlockBuilder b = AdjacentBlocks();
  ThanosMetaOptions thanos;
  thanos.external_labels = {{"cluster", "eu1"}, {"replica", "a"}};
  b.SetThanosMeta(thanos);
  Built built = BuildOrDie(b);
  ASSERT_EQ(built.blocks.size(), 3u);
  nlohmann::json meta = ReadMeta(built.blocks[0]);
  EXPECT_EQ(meta["thanos"]["labels"]["cluster"], "eu1");
  EXPECT_EQ(meta["thanos"]["downsample"]["resolution"], 0);
  EXPECT_EQ(meta["thanos"]["source"], "test");
  EXPECT_EQ(meta["version"], 1);
  EXPECT_FALSE(fs::exists(built.blocks[0] + "/tombstones"));
  bool has_index = false;
  for (const auto& f : meta["thanos"]["files"]) {
    if (f["rel_path"] == "index") {
      has_index = true;
      EXPECT_EQ(f["size_bytes"].get<uint64_t>(), fs::file_size(built.blocks[0] + "/index"));
    }
  }
  EXPECT_TRUE(has_index);
  // Still a valid TSDB for promtool.
  ASSERT_OK_AND_ASSIGN(SeriesSamples dumped, DumpBlocks(built.blocks));
  EXPECT_TRUE(dumped == b.Expected());
}

TEST(BlockBuilder, SecondBuildComesFromCacheWithSameBlocks) {
  BlockBuilder b = AdjacentBlocks();
  Built first = BuildOrDie(b);
  Built second = BuildOrDie(b);
  ASSERT_EQ(first.blocks.size(), second.blocks.size());
  for (size_t i = 0; i < first.blocks.size(); ++i) {
    EXPECT_EQ(fs::path(first.blocks[i]).filename(), fs::path(second.blocks[i]).filename());
  }
}

TEST(BlockBuilder, RejectsSeriesThatMergeOnEmptyValues) {
  BlockBuilder b;
  b.AddSeries({{"__name__", "m"}, {"a", ""}}, {{1, 1}});
  b.AddSeries({{"__name__", "m"}}, {{2, 1}});
  EXPECT_THAT(b.OpenMetricsText(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(BlockBuilder, RejectsBadNamesAndDuplicateTimestamps) {
  EXPECT_THAT(BlockBuilder().AddSeries({{"a", "1"}}, {{1, 1}}).OpenMetricsText(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      BlockBuilder().AddSeries({{"__name__", "m"}, {"bad-name", "1"}}, {{1, 1}}).OpenMetricsText(),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(BlockBuilder().AddSeries({{"__name__", "m"}}, {{1, 1}, {1, 2}}).OpenMetricsText(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      BlockBuilder().AddSeries({{"__name__", "m"}, {"v", "\xff"}}, {{1, 1}}).OpenMetricsText(),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(BlockBuilder, OpenMetricsTextFormat) {
  BlockBuilder b;
  b.DeclareFamily("req", MetricType::kCounter);
  b.AddSeries({{"__name__", "req_total"}, {"path", "a\"b\\c\nd"}},
              {{1700000000123, 5}, {-1500, 1}});
  b.AddSeries({{"__name__", "g"}}, {{0, 0.1}});
  ASSERT_OK_AND_ASSIGN(std::string text, b.OpenMetricsText());
  EXPECT_EQ(text,
            "# TYPE g gauge\n"
            "g 0.1 0.000\n"
            "# TYPE req counter\n"
            "req_total{path=\"a\\\"b\\\\c\\nd\"} 1 -1.500\n"
            "req_total{path=\"a\\\"b\\\\c\\nd\"} 5 1700000000.123\n"
            "# EOF\n");
}

}  // namespace
}  // namespace charon::testing
