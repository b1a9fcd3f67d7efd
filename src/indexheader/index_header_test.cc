// The index-header built from real promtool blocks, checked against the full index reader and
// against the bytes Thanos would write.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "base/atomic_file.h"
#include "indexheader/index_header_builder.h"
#include "indexheader/index_header_oracle.h"
#include "indexheader/index_header_reader.h"
#include "testing/block_fixtures.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tsdb/index_reader.h"

namespace charon::indexheader {
namespace {

using ::charon::testing::BlockBuilder;
using ::charon::testing::TempDir;

// One fixture set written once per test binary into a bucket directory.
struct FixtureBlocks {
  TempDir dir;
  std::vector<std::string> block_ids;
};

// The fixture sets written so far. A function-local static, destroyed at exit, so the temporary
// directories are removed when the test binary ends.
std::map<std::string, std::unique_ptr<FixtureBlocks>>* FixtureCache() {
  static std::map<std::string, std::unique_ptr<FixtureBlocks>> cache;
  return &cache;
}

const FixtureBlocks& Blocks(const std::string& set) {
  auto* cache = FixtureCache();
  auto it = cache->find(set);
  if (it != cache->end()) return *it->second;
  BlockBuilder b = set == "tricky"     ? charon::testing::TrickyLabels()
                   : set == "adjacent" ? charon::testing::AdjacentBlocks()
                   : set == "many"     ? charon::testing::ManySeriesFewSamples()
                                       : charon::testing::FewSeriesManySamples();
  absl::StatusOr<TempDir> dir = TempDir::Create("indexheader");
  EXPECT_OK(dir);
  auto fb = std::make_unique<FixtureBlocks>(FixtureBlocks{*std::move(dir), {}});
  absl::StatusOr<std::vector<std::string>> written = b.WriteBlocks(fb->dir.path());
  EXPECT_OK(written);
  if (written.ok()) {
    for (const std::string& p : *written) {
      fb->block_ids.push_back(std::filesystem::path(p).filename().string());
    }
  }
  return *cache->emplace(set, std::move(fb)).first->second;
}

class RealBlockTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RealBlockTest, HeaderIsByteIdenticalAndAnswersLikeTheFullIndex) {
  const FixtureBlocks& blocks = Blocks(GetParam());
  ASSERT_FALSE(blocks.block_ids.empty());
  std::unique_ptr<objstore::Bucket> bucket = MakeFilesystemBucket(blocks.dir.path());
  ASSERT_OK_AND_ASSIGN(TempDir out, TempDir::Create("indexheader-out"));
  // A few blocks per set keep the test quick; they share a layout anyway.
  size_t n = std::min<size_t>(blocks.block_ids.size(), 3);
  for (size_t i = 0; i < n; ++i) {
    const std::string& id = blocks.block_ids[i];
    SCOPED_TRACE("block " + id);
    ASSERT_OK_AND_ASSIGN(std::string index,
                         charon::testing::ReadFile(blocks.dir.Path(id + "/index")));
    const std::string path = out.Path(id + ".index-header");
    ASSERT_OK(BuildIndexHeader(*bucket, id, path));
    EXPECT_TRUE(base::AtomicFile::Temporaries(path).empty());

    ASSERT_OK_AND_ASSIGN(std::string header, charon::testing::ReadFile(path));
    EXPECT_TRUE(header == ExpectedIndexHeader(index))
        << "index-header differs from the expected bytes";

    ASSERT_OK_AND_ASSIGN(std::unique_ptr<tsdb::IndexReader> oracle, tsdb::IndexReader::Open(index));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<IndexHeaderReader> reader, IndexHeaderReader::Open(path));
    ExpectMatchesOracle(*reader, *oracle, index);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RealBlockTest,
                         ::testing::Values("tricky", "adjacent", "few", "many"),
                         [](const auto& info) { return info.param; });

TEST(IndexHeaderReader, SamplingDoesNotChangeAnswers) {
  const FixtureBlocks& blocks = Blocks("many");
  ASSERT_FALSE(blocks.block_ids.empty());
  const std::string& id = blocks.block_ids[0];
  std::unique_ptr<objstore::Bucket> bucket = MakeFilesystemBucket(blocks.dir.path());
  ASSERT_OK_AND_ASSIGN(TempDir out, TempDir::Create("indexheader-out"));
  const std::string path = out.Path("index-header");
  ASSERT_OK(BuildIndexHeader(*bucket, id, path));
  ASSERT_OK_AND_ASSIGN(std::string index,
                       charon::testing::ReadFile(blocks.dir.Path(id + "/index")));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<tsdb::IndexReader> oracle, tsdb::IndexReader::Open(index));

  size_t previous_memory = 0;
  for (int sampling : {1, 2, 32, 1000}) {
    SCOPED_TRACE(::testing::Message() << "sampling " << sampling);
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<IndexHeaderReader> reader,
                         IndexHeaderReader::Open(path, sampling));
    ExpectMatchesOracle(*reader, *oracle, index);
    if (previous_memory != 0) {
      EXPECT_LT(reader->MemoryBytes(), previous_memory);
    }
    previous_memory = reader->MemoryBytes();
  }
}

TEST(IndexHeaderReader, ConcurrentLookupsAgree) {
  const FixtureBlocks& blocks = Blocks("tricky");
  ASSERT_FALSE(blocks.block_ids.empty());
  const std::string& id = blocks.block_ids[0];
  std::unique_ptr<objstore::Bucket> bucket = MakeFilesystemBucket(blocks.dir.path());
  ASSERT_OK_AND_ASSIGN(TempDir out, TempDir::Create("indexheader-out"));
  const std::string path = out.Path("index-header");
  ASSERT_OK(BuildIndexHeader(*bucket, id, path));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<IndexHeaderReader> reader, IndexHeaderReader::Open(path, 2));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, reader->LabelNames());

  std::map<std::string, std::vector<std::optional<IndexRange>>> want;
  for (const std::string& name : names) {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> values, reader->LabelValues(name));
    ASSERT_OK_AND_ASSIGN(want[name], reader->PostingsRanges(name, values));
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&]() {
      for (int round = 0; round < 20; ++round) {
        for (const std::string& name : names) {
          absl::StatusOr<std::vector<std::string>> values = reader->LabelValues(name);
          if (!values.ok()) {
            ++mismatches;
            continue;
          }
          absl::StatusOr<std::vector<std::optional<IndexRange>>> got =
              reader->PostingsRanges(name, *values);
          if (!got.ok() || *got != want.at(name)) ++mismatches;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(IndexHeaderReader, MissingFileIsNotFound) {
  ASSERT_OK_AND_ASSIGN(TempDir out, TempDir::Create("indexheader-out"));
  EXPECT_THAT(IndexHeaderReader::Open(out.Path("absent")),
              charon::testing::StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace charon::indexheader
