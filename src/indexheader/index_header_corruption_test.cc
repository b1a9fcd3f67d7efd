// Corrupt indexes must fail the build with DataLoss and leave no file behind; corrupt
// index-header files must fail Open with DataLoss. Never a crash. Indexes come from the test index
// writer (v1 and v2) so every section can be aimed at; the clean ones also check the v1 paths
// against the full index reader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/atomic_file.h"
#include "base/crc32c.h"
#include "base/decbuf.h"
#include "indexheader/index_header_builder.h"
#include "indexheader/index_header_oracle.h"
#include "indexheader/index_header_reader.h"
#include "objstore/error_bucket.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tsdb/index_reader.h"
#include "tsdb/test_index_writer.h"

namespace charon::indexheader {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::charon::testing::TempDir;
using ::charon::tsdb::testing::BuildTestIndex;
using ::charon::tsdb::testing::TestIndex;
using ::charon::tsdb::testing::TestIndexOptions;
using ::charon::tsdb::testing::TestSeries;

constexpr char kBlock[] = "01HX0000000000000000000000";

TestIndex SmallIndex(int version) {
  std::vector<TestSeries> series;
  for (int i = 0; i < 60; ++i) {
    series.push_back({{{"__name__", i % 2 ? "up" : "down"},
                       {"instance", absl::StrCat("host-", i)},
                       {"job", absl::StrCat("job-", i % 7)}},
                      {{1000 * i, 1000 * i + 500, static_cast<uint64_t>(8 + 16 * i)}}});
  }
  TestIndexOptions options;
  options.version = version;
  options.shuffle_v1_table = version == 1;
  options.legacy_label_indices = true;
  return BuildTestIndex(std::move(series), options);
}

// Plain overwrite without the durability dance: thousands of variants are written in a row.
void Overwrite(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(f.good()) << path;
}

void FlipByte(std::string* b, size_t pos) { (*b)[pos] = static_cast<char>((*b)[pos] ^ 0xFF); }

void SetBe64(std::string* b, size_t pos, uint64_t v) {
  std::string tmp;
  base::PutBe64(&tmp, v);
  b->replace(pos, 8, tmp);
}

// A bucket directory holding one block whose index can be replaced per case.
class Workspace {
 public:
  Workspace() {
    absl::StatusOr<TempDir> dir = TempDir::Create("indexheader-corrupt");
    EXPECT_OK(dir);
    dir_.emplace(*std::move(dir));
    bucket_ = MakeFilesystemBucket(dir_->Path("bucket"));
  }

  absl::Status Build(std::string_view index, const IndexHeaderBuildOptions& options = {}) {
    EXPECT_OK(
        charon::testing::WriteFile(dir_->Path(absl::StrCat("bucket/", kBlock, "/index")), index));
    std::filesystem::remove(HeaderPath());
    absl::Status s = BuildIndexHeader(*bucket_, kBlock, HeaderPath(), options);
    EXPECT_TRUE(base::AtomicFile::Temporaries(HeaderPath()).empty())
        << "temporary file left behind";
    if (!s.ok()) {
      EXPECT_FALSE(std::filesystem::exists(HeaderPath())) << "output after an error";
    }
    return s;
  }

  std::string HeaderPath() const { return dir_->Path("index-header"); }
  const std::string& dir() const { return dir_->path(); }

 private:
  std::optional<TempDir> dir_;
  std::unique_ptr<objstore::Bucket> bucket_;
};

class CorruptionTest : public ::testing::TestWithParam<int> {};

TEST_P(CorruptionTest, CleanIndexBuildsTheExpectedHeaderAndMatchesTheOracle) {
  TestIndex index = SmallIndex(GetParam());
  Workspace ws;
  ASSERT_OK(ws.Build(index.bytes));
  ASSERT_OK_AND_ASSIGN(std::string header, charon::testing::ReadFile(ws.HeaderPath()));
  EXPECT_TRUE(header == ExpectedIndexHeader(index.bytes));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<tsdb::IndexReader> oracle,
                       tsdb::IndexReader::Open(index.bytes));
  for (int sampling : {1, 3, 32}) {
    SCOPED_TRACE(::testing::Message() << "sampling " << sampling);
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<IndexHeaderReader> reader,
                         IndexHeaderReader::Open(ws.HeaderPath(), sampling));
    ExpectMatchesOracle(*reader, *oracle, index.bytes);
  }
}

TEST_P(CorruptionTest, SmallPartsGiveTheSameHeader) {
  TestIndex index = SmallIndex(GetParam());
  Workspace ws;
  for (int64_t part : {1, 7, 64, 1 << 20}) {
    for (int concurrency : {1, 3}) {
      SCOPED_TRACE(::testing::Message() << "part " << part << " concurrency " << concurrency);
      ASSERT_OK(ws.Build(index.bytes, {part, concurrency}));
      ASSERT_OK_AND_ASSIGN(std::string header, charon::testing::ReadFile(ws.HeaderPath()));
      EXPECT_TRUE(header == ExpectedIndexHeader(index.bytes));
    }
  }
}

TEST_P(CorruptionTest, TruncatedIndexIsDataLoss) {
  TestIndex index = SmallIndex(GetParam());
  const size_t n = index.bytes.size();
  Workspace ws;
  for (size_t len : {size_t{0}, size_t{3}, size_t{5}, size_t{56}, n / 2, n - 53, n - 52, n - 1}) {
    SCOPED_TRACE(::testing::Message() << "length " << len);
    EXPECT_THAT(ws.Build(std::string_view(index.bytes).substr(0, len)),
                StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST_P(CorruptionTest, FlippedBytesInCheckedRegionsAreDataLoss) {
  TestIndex index = SmallIndex(GetParam());
  const size_t n = index.bytes.size();
  const tsdb::IndexToc& toc = index.toc;
  std::vector<std::pair<std::string, size_t>> cases = {{"magic", 0}, {"version", 4}};
  for (size_t i = 0; i < 52; ++i) cases.push_back({absl::StrCat("toc byte ", i), n - 52 + i});
  const uint32_t sym_len = base::LoadBe32(index.bytes.data() + toc.symbols);
  const uint32_t pt_len = base::LoadBe32(index.bytes.data() + toc.postings_table);
  for (uint64_t off : {uint64_t{0}, uint64_t{3}, uint64_t{4}, uint64_t{5} + sym_len / 2,
                       uint64_t{4} + sym_len - 1, uint64_t{4} + sym_len, uint64_t{7} + sym_len}) {
    cases.push_back({absl::StrCat("symbols +", off), toc.symbols + off});
  }
  for (uint64_t off : {uint64_t{0}, uint64_t{3}, uint64_t{4}, uint64_t{5} + pt_len / 2,
                       uint64_t{4} + pt_len - 1, uint64_t{4} + pt_len, uint64_t{7} + pt_len}) {
    cases.push_back({absl::StrCat("postings table +", off), toc.postings_table + off});
  }
  Workspace ws;
  for (const auto& [what, pos] : cases) {
    SCOPED_TRACE(what);
    std::string bad = index.bytes;
    FlipByte(&bad, pos);
    EXPECT_THAT(ws.Build(bad), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST_P(CorruptionTest, BentTocOffsetsAreDataLoss) {
  TestIndex index = SmallIndex(GetParam());
  const uint64_t n = index.bytes.size();
  const tsdb::IndexToc& toc = index.toc;
  // TOC field positions: symbols 0, series 8, postings_table 40.
  const std::vector<std::tuple<std::string, size_t, uint64_t>> cases = {
      {"symbols zero", 0, 0},
      {"symbols past end", 0, n},
      {"symbols after series", 0, toc.series + 1},
      {"symbols shifted", 0, toc.symbols + 1},
      {"series before symbols", 8, toc.symbols - 1},
      {"series cuts the table", 8, toc.symbols + 8},
      {"series past end", 8, n + 100},
      {"postings table zero", 40, 0},
      {"postings table shifted", 40, toc.postings_table + 1},
      {"postings table in toc", 40, n - 52},
      {"postings table past end", 40, n},
      {"postings table huge", 40, ~uint64_t{0}},
  };
  Workspace ws;
  for (const auto& [what, field, value] : cases) {
    SCOPED_TRACE(what);
    std::string bad = index.bytes;
    SetBe64(&bad, n - 52 + field, value);
    tsdb::testing::FixTocCrc(&bad);
    EXPECT_THAT(ws.Build(bad), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST_P(CorruptionTest, BentSectionLengthsAreDataLoss) {
  TestIndex index = SmallIndex(GetParam());
  Workspace ws;
  for (uint64_t section : {index.toc.symbols, index.toc.postings_table}) {
    for (uint32_t len : {0u, 1u, 0xFFFFFFFFu}) {
      SCOPED_TRACE(::testing::Message() << "section at " << section << " len " << len);
      std::string bad = index.bytes;
      std::string tmp;
      base::PutBe32(&tmp, len);
      bad.replace(section, 4, tmp);
      EXPECT_THAT(ws.Build(bad), StatusIs(absl::StatusCode::kDataLoss));
    }
  }
}

// Checked content that the builder copies but only the reader interprets: a postings offset table
// whose CRC is right but whose entries are not well-formed.
TEST_P(CorruptionTest, MalformedTableWithValidCrcFailsOpen) {
  TestIndex index = SmallIndex(GetParam());
  const tsdb::testing::CrcRegion* table = nullptr;
  for (const auto& r : index.regions) {
    if (r.what == "postings offset table") table = &r;
  }
  ASSERT_NE(table, nullptr);
  // Offsets in the table: #entries at +0, first keycount at +4.
  const std::vector<std::pair<std::string, size_t>> edits = {
      {"keycount", table->start + 4},
      {"first name length", table->start + 5},
      {"entry count", table->start + 3},
  };
  Workspace ws;
  for (const auto& [what, pos] : edits) {
    SCOPED_TRACE(what);
    std::string bad = index.bytes;
    bad[pos] = static_cast<char>(bad[pos] + 1);
    tsdb::testing::FixCrc(&bad, *table);
    ASSERT_OK(ws.Build(bad));
    EXPECT_THAT(IndexHeaderReader::Open(ws.HeaderPath()), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST_P(CorruptionTest, CorruptHeaderFileFailsOpenWithDataLoss) {
  TestIndex index = SmallIndex(GetParam());
  Workspace ws;
  ASSERT_OK(ws.Build(index.bytes));
  ASSERT_OK_AND_ASSIGN(const std::string good, charon::testing::ReadFile(ws.HeaderPath()));
  const std::string path = ws.HeaderPath() + ".bad";

  // Bytes nothing checks: the padding after the symbol table's CRC, copied from the index.
  const uint64_t sym_end = 14 + 8 + base::LoadBe32(good.data() + 14);
  const uint64_t postings_offset = base::LoadBe64(good.data() + good.size() - 12);
  // Every byte of the header and of both TOCs, every 3rd byte in between: each write costs a
  // file system round trip.
  auto wanted = [&](size_t pos) { return pos < 40 || pos + 100 >= good.size() || pos % 3 == 0; };
  for (size_t pos = 0; pos < good.size(); ++pos) {
    if (!wanted(pos)) continue;
    std::string bad = good;
    FlipByte(&bad, pos);
    Overwrite(path, bad);
    absl::StatusOr<std::unique_ptr<IndexHeaderReader>> r = IndexHeaderReader::Open(path);
    if (pos >= sym_end && pos < postings_offset) {
      EXPECT_THAT(r, IsOk()) << "padding byte " << pos;
    } else {
      EXPECT_THAT(r, StatusIs(absl::StatusCode::kDataLoss)) << "byte " << pos;
    }
  }
  for (size_t len = 0; len < good.size(); ++len) {
    if (!wanted(len)) continue;
    Overwrite(path, std::string_view(good).substr(0, len));
    EXPECT_THAT(IndexHeaderReader::Open(path), StatusIs(absl::StatusCode::kDataLoss))
        << "length " << len;
  }
  // TOC offsets bent with a recomputed CRC.
  for (auto [field, delta] :
       std::vector<std::pair<int, int64_t>>{{0, 1}, {0, -1}, {8, 1}, {8, -1}, {8, 1 << 20}}) {
    std::string bad = good;
    const size_t pos = good.size() - 20 + field;
    SetBe64(&bad, pos, base::LoadBe64(good.data() + pos) + delta);
    std::string toc = bad.substr(good.size() - 20, 16);
    std::string crc;
    base::PutBe32(&crc, base::Crc32c(toc));
    bad.replace(good.size() - 4, 4, crc);
    Overwrite(path, bad);
    EXPECT_THAT(IndexHeaderReader::Open(path), StatusIs(absl::StatusCode::kDataLoss))
        << "field " << field << " delta " << delta;
  }
}

TEST(IndexHeaderBuilder, BucketErrorsPassThroughAndLeaveNoFile) {
  TestIndex index = SmallIndex(2);
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("indexheader-faults"));
  ASSERT_OK(
      charon::testing::WriteFile(dir.Path(absl::StrCat("bucket/", kBlock, "/index")), index.bytes));
  std::unique_ptr<objstore::Bucket> base = MakeFilesystemBucket(dir.Path("bucket"));
  const std::string path = dir.Path("index-header");
  // Let the first `passes` range reads through, fail the rest: the header, the TOC, the
  // symbols, or some part of the postings table (small parts make many reads).
  for (int passes = 0; passes < 12; ++passes) {
    SCOPED_TRACE(::testing::Message() << "passes " << passes);
    auto calls = std::make_shared<std::atomic<int>>(0);
    objstore::ErrorBucket bucket(base.get());
    bucket.FailWhen(
        [calls, passes](objstore::BucketOp op, std::string_view) {
          return op == objstore::BucketOp::kGetRange && calls->fetch_add(1) >= passes;
        },
        absl::UnavailableError("injected range failure"));
    EXPECT_THAT(BuildIndexHeader(bucket, kBlock, path, {64, 3}),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_TRUE(base::AtomicFile::Temporaries(path).empty());
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  EXPECT_THAT(BuildIndexHeader(*base, "01HXMISSING0000000000000000", path),
              StatusIs(absl::StatusCode::kNotFound));
}

INSTANTIATE_TEST_SUITE_P(IndexVersions, CorruptionTest, ::testing::Values(1, 2),
                         [](const auto& info) { return absl::StrCat("v", info.param); });

}  // namespace
}  // namespace charon::indexheader
