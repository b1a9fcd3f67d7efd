#include "tsdb/series_entry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "testing/status_matchers.h"
#include "tsdb/test_hex.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::charon::tsdb::testing::FromHex;

// {__name__="up", job="a"} with chunks {1000..120000, ref 8} and {135000..250000, ref 258} over
// symbols ["__name__", "a", "job", "up"] (the worked example of the format notes).
constexpr std::string_view kWorkedExample =
    "13 02 00 03 02 01 02 d0 0f d8 a1 07 08 98 75 b8 82 07 f4 03 c2 45 ea 98";

TEST(DecodeSeriesEntry, WorkedExample) {
  std::string b = FromHex(kWorkedExample);
  SeriesEntry e;
  ASSERT_OK(DecodeSeriesEntry(b, &e));
  EXPECT_EQ(e.label_refs, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 3}, {2, 1}}));
  EXPECT_EQ(e.chunks, (std::vector<ChunkMeta>{{1000, 120000, 8}, {135000, 250000, 258}}));
  ASSERT_OK_AND_ASSIGN(size_t size, SeriesEntrySize(b));
  EXPECT_EQ(size, b.size());
}

TEST(DecodeSeriesEntry, TrailingBytesAreIgnoredAndVectorsReused) {
  std::string b = FromHex(kWorkedExample) + std::string(7, '\0');
  SeriesEntry e;
  e.label_refs = {{9, 9}, {9, 9}, {9, 9}};
  e.chunks = {{1, 2, 3}};
  ASSERT_OK(DecodeSeriesEntry(b, &e));
  EXPECT_EQ(e.label_refs.size(), 2u);
  EXPECT_EQ(e.chunks.size(), 2u);
}

TEST(DecodeSeriesEntry, ZeroChunksAndNegativeMint) {
  // 1 label (0,0), 0 chunks.
  std::string body = FromHex("01 00 00 00");
  std::string b = "\x04" + body;
  base::PutBe32(&b, base::Crc32c(body));
  SeriesEntry e;
  ASSERT_OK(DecodeSeriesEntry(b, &e));
  EXPECT_TRUE(e.chunks.empty());

  body.clear();
  base::PutUvarint(&body, 0);
  base::PutUvarint(&body, 1);
  base::PutVarint(&body, -5000);
  base::PutUvarint(&body, 100);
  base::PutUvarint(&body, 77);
  b.clear();
  base::PutUvarint(&b, body.size());
  b += body;
  base::PutBe32(&b, base::Crc32c(body));
  ASSERT_OK(DecodeSeriesEntry(b, &e));
  EXPECT_EQ(e.chunks, (std::vector<ChunkMeta>{{-5000, -4900, 77}}));
}

TEST(DecodeSeriesEntry, EveryTruncationIsOutOfRange) {
  std::string b = FromHex(kWorkedExample);
  for (size_t n = 0; n < b.size(); ++n) {
    SCOPED_TRACE(n);
    SeriesEntry e;
    EXPECT_THAT(DecodeSeriesEntry(std::string_view(b).substr(0, n), &e),
                StatusIs(absl::StatusCode::kOutOfRange));
  }
}

TEST(DecodeSeriesEntry, EveryFlippedByteIsDetected) {
  const std::string good = FromHex(kWorkedExample);
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      SCOPED_TRACE(::testing::Message() << "byte " << i << " bit " << bit);
      std::string b = good;
      b[i] = static_cast<char>(b[i] ^ (1 << bit));
      SeriesEntry e;
      absl::Status s = DecodeSeriesEntry(b, &e);
      // A flipped length either runs past the buffer or moves the CRC.
      EXPECT_THAT(s, ::testing::AnyOf(StatusIs(absl::StatusCode::kDataLoss),
                                      StatusIs(absl::StatusCode::kOutOfRange)));
    }
  }
}

TEST(DecodeSeriesEntry, MalformedBodyWithValidCrcIsDataLoss) {
  struct Case {
    const char* name;
    std::string body;
  } cases[] = {
      {"label count beyond body", FromHex("7f 00 00")},
      {"chunk count beyond body", FromHex("00 7f 00 00")},
      {"label ref beyond 32 bits", FromHex("01 ff ff ff ff 1f 00 00")},
      {"body ends inside chunk", FromHex("00 01 02 02")},
      {"empty body", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string b;
    base::PutUvarint(&b, c.body.size());
    b += c.body;
    base::PutBe32(&b, base::Crc32c(c.body));
    SeriesEntry e;
    EXPECT_THAT(DecodeSeriesEntry(b, &e), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST(SeriesEntrySize, LengthLongerThanFiveBytesIsDataLoss) {
  EXPECT_THAT(SeriesEntrySize(FromHex("80 80 80 80 80 01")), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(SeriesEntrySize(FromHex("80 80")), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(SeriesEntrySize(""), StatusIs(absl::StatusCode::kOutOfRange));
  ASSERT_OK_AND_ASSIGN(size_t n, SeriesEntrySize(FromHex("ff ff ff ff 0f")));
  EXPECT_EQ(n, uint64_t{5} + 0xFFFFFFFFu + 4u);
}

TEST(SeriesOffset, ByVersion) {
  EXPECT_EQ(SeriesOffset(3, 2), 48u);
  EXPECT_EQ(SeriesOffset(323, 1), 323u);
}

}  // namespace
}  // namespace charon::tsdb
