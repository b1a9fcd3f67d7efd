#include "tsdb/chunk_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "testing/status_matchers.h"
#include "tsdb/test_hex.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::charon::tsdb::testing::FromHex;

std::string Record(uint8_t encoding, std::string_view data) {
  std::string b;
  base::PutUvarint(&b, data.size());
  std::string crc_input(1, static_cast<char>(encoding));
  crc_input += data;
  b += crc_input;
  base::PutBe32(&b, base::Crc32c(crc_input));
  return b;
}

TEST(ChunkSegmentName, SixDigitsOneBased) {
  EXPECT_EQ(ChunkSegmentName(0), "000001");
  EXPECT_EQ(ChunkSegmentName(41), "000042");
  EXPECT_EQ(ChunkSegmentName(999999), "1000000");
}

TEST(ChunkRef, SplitsSegmentAndOffset) {
  uint64_t ref = (uint64_t{3} << 32) | 1234;
  EXPECT_EQ(ChunkRefSegment(ref), 3u);
  EXPECT_EQ(ChunkRefOffset(ref), 1234u);
}

TEST(CheckChunkSegmentHeader, MagicAndVersion) {
  EXPECT_OK(CheckChunkSegmentHeader(FromHex("85bd40dd 01 000000")));
  EXPECT_THAT(CheckChunkSegmentHeader(FromHex("85bd40dd 02 000000")),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(CheckChunkSegmentHeader(FromHex("85bd40de 01 000000")),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(CheckChunkSegmentHeader(FromHex("85bd40dd 01")),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(DecodeChunkRecord, RealXorChunk) {
  // 1-sample XOR chunk written by Prometheus: t0 = 7200000, v0 = 12000.
  std::string data = FromHex("00 01 80 f4 ee 06 40 c7 70 00 00 00 00 00");
  std::string b = Record(1, data) + "next record";
  ASSERT_OK_AND_ASSIGN(ChunkRecord r, DecodeChunkRecord(b, true));
  EXPECT_EQ(r.encoding, 1);
  EXPECT_EQ(r.data, data);
  EXPECT_EQ(r.total_size, 1u + 1u + data.size() + 4u);
  ASSERT_OK_AND_ASSIGN(size_t size, ChunkRecordSize(b));
  EXPECT_EQ(size, r.total_size);
  EXPECT_EQ(ChunkNumSamples(r.encoding, r.data), 1u);
}

TEST(DecodeChunkRecord, TruncatedIsOutOfRangeAndFlipsAreDataLoss) {
  std::string b = Record(1, FromHex("00 01 80 f4 ee 06 40 c7 70 00 00 00 00 00"));
  for (size_t n = 0; n < b.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_THAT(DecodeChunkRecord(std::string_view(b).substr(0, n), true),
                StatusIs(absl::StatusCode::kOutOfRange));
  }
  for (size_t i = 1; i < b.size(); ++i) {  // byte 0 is the length: covered above
    SCOPED_TRACE(i);
    std::string bad = b;
    bad[i] ^= 4;
    EXPECT_THAT(DecodeChunkRecord(bad, true), StatusIs(absl::StatusCode::kDataLoss));
    EXPECT_OK(DecodeChunkRecord(bad, false));
  }
}

TEST(DecodeChunkRecord, MalformedLength) {
  EXPECT_THAT(ChunkRecordSize(FromHex("80 80 80 80 80 00")), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodeChunkRecord(FromHex("ff ff ff ff ff ff 01"), true),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ChunkRecordSize(FromHex("80")), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(DecodeChunkRecord(FromHex("ff ff ff ff 0f 01"), true),
              StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(ChunkNumSamples, PerEncoding) {
  std::string d = FromHex("c1 23 00");
  EXPECT_EQ(ChunkNumSamples(1, d), 0xC123u);
  EXPECT_EQ(ChunkNumSamples(2, d), 0xC123u);
  EXPECT_EQ(ChunkNumSamples(3, d), 0xC123u);
  EXPECT_EQ(ChunkNumSamples(4, d), 0xC123u);
  EXPECT_EQ(ChunkNumSamples(5, d), 0x0123u);  // top two bits are the counter-reset header
  EXPECT_EQ(ChunkNumSamples(6, d), 0x0123u);
  EXPECT_EQ(ChunkNumSamples(0, d), 0u);
  EXPECT_EQ(ChunkNumSamples(7, d), 0u);
  EXPECT_EQ(ChunkNumSamples(1, "\x01"), 0u);
  EXPECT_EQ(ChunkNumSamples(1, ""), 0u);
}

TEST(ChunkNumSamples, ThanosAggrChunkCountsFirstAggregate) {
  std::string count = FromHex("00 07 aa");
  std::string sum = FromHex("00 07 bb");
  std::string aggr;
  base::PutUvarint(&aggr, 0);  // count absent
  base::PutUvarint(&aggr, sum.size());
  aggr.push_back(1);
  aggr += sum;
  EXPECT_EQ(ChunkNumSamples(0xFF, aggr), 7u);
  std::string with_count;
  base::PutUvarint(&with_count, count.size());
  with_count.push_back(1);
  with_count += count;
  EXPECT_EQ(ChunkNumSamples(0xFF, with_count), 7u);
  EXPECT_EQ(ChunkNumSamples(0xFF, FromHex("00 00 00 00 00")), 0u);
  EXPECT_EQ(ChunkNumSamples(0xFF, FromHex("05 01 00")), 0u);        // truncated
  EXPECT_EQ(ChunkNumSamples(0xFF, FromHex("03 ff 00 01 02")), 0u);  // nested aggr
}

}  // namespace
}  // namespace charon::tsdb
