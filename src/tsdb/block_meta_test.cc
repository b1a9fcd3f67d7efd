#include "tsdb/block_meta.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr std::string_view kThanosMeta = R"({
  "ulid": "01DXXFZDYD1MQW6079WK0K6EDQ",
  "minTime": 1000,
  "maxTime": 7201000,
  "stats": {"numSamples": 102, "numSeries": 3, "numChunks": 4, "numFloatSamples": 100,
            "numHistogramSamples": 2},
  "compaction": {
    "level": 2,
    "sources": ["01DXXFZDYD1MQW6079WK0K6EDQ", "01DXXG0000000000000000000A"],
    "parents": [{"ulid": "01DXXG0000000000000000000A", "minTime": 0, "maxTime": 5}],
    "hints": ["from-out-of-order"]
  },
  "version": 1,
  "thanos": {
    "labels": {"cluster": "eu1", "replica": "a"},
    "downsample": {"resolution": 300000},
    "source": "compactor",
    "segment_files": ["000001"],
    "files": [{"rel_path": "chunks/000001", "size_bytes": 1234},
              {"rel_path": "index", "size_bytes": 99}, {"rel_path": "meta.json"}],
    "index_stats": {"series_max_size": 4096, "chunk_max_size": 800},
    "upload_time": "2024-05-06T07:08:09.123456789Z",
    "extensions": {"anything": [1, 2]}
  }
})";

TEST(ParseBlockMeta, ThanosMeta) {
  ASSERT_OK_AND_ASSIGN(BlockMeta m, ParseBlockMeta(kThanosMeta));
  EXPECT_EQ(m.ulid.ToString(), "01DXXFZDYD1MQW6079WK0K6EDQ");
  EXPECT_EQ(m.min_time, 1000);
  EXPECT_EQ(m.max_time, 7201000);
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.stats.num_samples, 102u);
  EXPECT_EQ(m.stats.num_series, 3u);
  EXPECT_EQ(m.stats.num_chunks, 4u);
  EXPECT_EQ(m.stats.num_float_samples, 100u);
  EXPECT_EQ(m.stats.num_histogram_samples, 2u);
  EXPECT_EQ(m.stats.num_tombstones, 0u);
  EXPECT_EQ(m.compaction.level, 2);
  ASSERT_EQ(m.compaction.sources.size(), 2u);
  EXPECT_EQ(m.compaction.sources[1].ToString(), "01DXXG0000000000000000000A");
  ASSERT_EQ(m.compaction.parents.size(), 1u);
  EXPECT_THAT(m.compaction.hints, ElementsAre("from-out-of-order"));
  EXPECT_FALSE(m.compaction.deletable);
  EXPECT_TRUE(m.has_thanos);
  EXPECT_THAT(m.external_labels, ElementsAre(Pair("cluster", "eu1"), Pair("replica", "a")));
  EXPECT_EQ(m.downsample_resolution, 300000);
  EXPECT_EQ(m.source, "compactor");
  EXPECT_THAT(m.segment_files, ElementsAre("000001"));
  ASSERT_EQ(m.files.size(), 3u);
  EXPECT_EQ(m.files[0].rel_path, "chunks/000001");
  EXPECT_EQ(m.files[0].size_bytes, 1234);
  EXPECT_EQ(m.files[2].size_bytes, 0);
  EXPECT_EQ(m.series_max_size, 4096);
  EXPECT_EQ(m.chunk_max_size, 800);
  ASSERT_TRUE(m.upload_time.has_value());
  EXPECT_EQ(absl::ToUnixNanos(*m.upload_time), 1714979289123456789);
  EXPECT_EQ(m.raw_json, kThanosMeta);
}

TEST(ParseBlockMeta, PrometheusOnlyMeta) {
  // As Prometheus writes it: no thanos section, stats omitted when empty.
  constexpr std::string_view json = R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","minTime":0,
    "maxTime":7200000,"compaction":{"level":1,"sources":["01DXXFZDYD1MQW6079WK0K6EDQ"]},
    "version":1})";
  ASSERT_OK_AND_ASSIGN(BlockMeta m, ParseBlockMeta(json));
  EXPECT_FALSE(m.has_thanos);
  EXPECT_TRUE(m.external_labels.empty());
  EXPECT_EQ(m.stats.num_samples, 0u);
  EXPECT_FALSE(m.upload_time.has_value());
  EXPECT_EQ(m.compaction.level, 1);
}

TEST(ParseBlockMeta, NullsAndZeroTimeAreAbsent) {
  constexpr std::string_view json = R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","minTime":0,
    "maxTime":1,"version":2,"thanos":{"labels":null,"downsample":{"resolution":0},
    "source":"sidecar","upload_time":"0001-01-01T00:00:00Z","files":null}})";
  ASSERT_OK_AND_ASSIGN(BlockMeta m, ParseBlockMeta(json));
  EXPECT_TRUE(m.has_thanos);
  EXPECT_TRUE(m.external_labels.empty());
  EXPECT_FALSE(m.upload_time.has_value());
  EXPECT_EQ(m.version, 2);  // checking it is the fetcher's job
}

TEST(ParseBlockMeta, InvalidInputIsInvalidArgumentNamingTheKey) {
  struct Case {
    const char* json;
    const char* key;
  } cases[] = {
      {"", "meta.json"},
      {"{", "meta.json"},
      {"[]", "top level"},
      {R"({"minTime":0,"maxTime":1})", "ulid"},
      {R"({"ulid":"nope","minTime":0,"maxTime":1})", "ulid"},
      {R"({"ulid":7,"minTime":0,"maxTime":1})", "ulid"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","minTime":5,"maxTime":1})", "minTime"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","minTime":"0","maxTime":1})", "minTime"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","minTime":0,"maxTime":1.5})", "maxTime"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","maxTime":18446744073709551615})", "maxTime"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","version":99999999999})", "version"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","stats":{"numSamples":-1}})", "stats.numSamples"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","compaction":{"sources":["x"]}})",
       "compaction.sources"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","compaction":{"parents":[{}]}})",
       "compaction.parents"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","compaction":{"deletable":1}})",
       "compaction.deletable"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","thanos":{"labels":{"a":1}}})", "thanos.labels"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","thanos":{"labels":[]}})", "thanos.labels"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","thanos":{"downsample":{"resolution":"5m"}}})",
       "thanos.downsample.resolution"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","thanos":{"files":[{"rel_path":3}]}})",
       "thanos.files.rel_path"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","thanos":{"upload_time":"yesterday"}})",
       "thanos.upload_time"},
      {R"({"ulid":"01DXXFZDYD1MQW6079WK0K6EDQ","thanos":[]})", "thanos"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(ParseBlockMeta(c.json), StatusIs(absl::StatusCode::kInvalidArgument, c.key));
  }
}

}  // namespace
}  // namespace charon::tsdb
