// IndexReader and the chunk decoders on real blocks written by promtool, checked against what
// `promtool tsdb dump` reads from the same blocks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "testing/block_fixtures.h"
#include "testing/promtool_dump.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tsdb/block_meta.h"
#include "tsdb/chunk_record.h"
#include "tsdb/index_reader.h"
#include "tsdb/xor_chunk.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::BlockBuilder;
using ::charon::testing::ReadFile;
using ::charon::testing::Sample;
using ::charon::testing::SeriesSamples;
using ::charon::testing::TempDir;

struct BlockCounts {
  uint64_t series = 0, chunks = 0, samples = 0;
};

// Reads every series of the block at `dir` through IndexReader and the chunk segment files,
// appending its samples to `out`, and checks the index's own consistency on the way.
void ReadBlock(const std::string& dir, SeriesSamples* out, BlockCounts* counts) {
  ASSERT_OK_AND_ASSIGN(std::string index_bytes, ReadFile(dir + "/index"));
  ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(std::move(index_bytes)));
  EXPECT_EQ(r->Version(), 2);
  ASSERT_OK(r->CheckAll());
  ASSERT_OK_AND_ASSIGN(std::string meta_json, ReadFile(dir + "/meta.json"));
  ASSERT_OK_AND_ASSIGN(BlockMeta meta, ParseBlockMeta(meta_json));

  std::map<uint32_t, std::string> segments;
  ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> refs, r->PostingsRefs("", ""));
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> postings;
  for (uint64_t ref : refs) {
    Labels labels;
    std::vector<ChunkMeta> chunks;
    ASSERT_OK(r->Series(ref, &labels, &chunks));
    SCOPED_TRACE(LabelsToString(labels));
    for (const Label& l : labels) postings[{l.name, l.value}].push_back(ref);
    std::vector<Sample>& samples = (*out)[labels];
    ++counts->series;
    for (const ChunkMeta& c : chunks) {
      ++counts->chunks;
      EXPECT_GE(c.min_time, meta.min_time);
      EXPECT_LT(c.max_time, meta.max_time);
      uint32_t seg = ChunkRefSegment(c.ref);
      if (!segments.contains(seg)) {
        ASSERT_OK_AND_ASSIGN(segments[seg], ReadFile(dir + "/chunks/" + ChunkSegmentName(seg)));
        ASSERT_OK(CheckChunkSegmentHeader(segments[seg]));
      }
      const std::string& segment = segments[seg];
      ASSERT_LT(ChunkRefOffset(c.ref), segment.size());
      ASSERT_OK_AND_ASSIGN(
          ChunkRecord rec,
          DecodeChunkRecord(std::string_view(segment).substr(ChunkRefOffset(c.ref)),
                            /*verify_crc=*/true));
      ASSERT_EQ(rec.encoding, static_cast<uint8_t>(ChunkEncoding::kXor));
      ASSERT_OK_AND_ASSIGN(std::vector<XorSample> got, DecodeXorChunk(rec.data));
      ASSERT_FALSE(got.empty());
      EXPECT_EQ(got.size(), ChunkNumSamples(rec.encoding, rec.data));
      EXPECT_EQ(got.front().t, c.min_time);
      EXPECT_EQ(got.back().t, c.max_time);
      for (const XorSample& s : got) samples.push_back({s.t, s.v});
      counts->samples += got.size();
    }
  }

  // Every label pair's postings list holds exactly the series carrying it.
  std::set<std::string> names;
  for (const auto& [key, want] : postings) {
    names.insert(key.first);
    ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> got, r->PostingsRefs(key.first, key.second));
    EXPECT_EQ(got, want) << key.first << "=" << key.second;
  }
  EXPECT_EQ(r->LabelNames(), std::vector<std::string>(names.begin(), names.end()));
  EXPECT_EQ(meta.stats.num_series, counts->series);
}

void CheckAgainstDump(const BlockBuilder& builder, const char* prefix) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create(prefix));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> blocks, builder.WriteBlocks(dir.path()));
  ASSERT_FALSE(blocks.empty());
  SeriesSamples got;
  for (const std::string& block : blocks) {
    SCOPED_TRACE(block);
    BlockCounts counts;
    ReadBlock(block, &got, &counts);
    ASSERT_OK_AND_ASSIGN(std::string meta_json, ReadFile(block + "/meta.json"));
    ASSERT_OK_AND_ASSIGN(BlockMeta meta, ParseBlockMeta(meta_json));
    EXPECT_EQ(meta.stats.num_chunks, counts.chunks);
    EXPECT_EQ(meta.stats.num_samples, counts.samples);
  }
  for (auto& [labels, samples] : got) {
    std::stable_sort(samples.begin(), samples.end(),
                     [](const Sample& a, const Sample& b) { return a.t < b.t; });
  }
  ASSERT_OK_AND_ASSIGN(SeriesSamples want, ::charon::testing::DumpBlocks(blocks));
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [labels, samples] : want) {
    SCOPED_TRACE(LabelsToString(labels));
    auto it = got.find(labels);
    ASSERT_NE(it, got.end());
    EXPECT_EQ(it->second, samples);
  }
}

TEST(IndexReaderOnRealBlocks, TrickyLabelsMatchDump) {
  CheckAgainstDump(::charon::testing::TrickyLabels(), "tsdb-tricky");
}

TEST(IndexReaderOnRealBlocks, AdjacentBlocksMatchDump) {
  CheckAgainstDump(::charon::testing::AdjacentBlocks(), "tsdb-adjacent");
}

TEST(IndexReaderOnRealBlocks, ManySamplesMatchDump) {
  CheckAgainstDump(::charon::testing::FewSeriesManySamples(), "tsdb-many");
}

}  // namespace
}  // namespace charon::tsdb
