#include "tsdb/index_format.h"

#include <gtest/gtest.h>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "testing/status_matchers.h"
#include "tsdb/test_hex.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::charon::tsdb::testing::FromHex;

TEST(DecodeIndexHeader, Versions) {
  struct Case {
    std::string hex;
    int want;  // 0: DataLoss
  } cases[] = {
      {"baaad70001", 1}, {"baaad70002", 2}, {"baaad70003", 2}, {"baaad70000", 0},
      {"baaad70004", 0}, {"baaad79201", 0}, {"baaad700", 0},   {"", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hex);
    absl::StatusOr<int> v = DecodeIndexHeader(FromHex(c.hex));
    if (c.want == 0) {
      EXPECT_THAT(v, StatusIs(absl::StatusCode::kDataLoss));
    } else {
      ASSERT_OK(v);
      EXPECT_EQ(*v, c.want);
    }
  }
}

std::string Toc(std::initializer_list<uint64_t> offsets) {
  std::string b;
  for (uint64_t o : offsets) base::PutBe64(&b, o);
  base::PutBe32(&b, base::Crc32c(b));
  return b;
}

TEST(DecodeIndexToc, RoundTripAndCrc) {
  std::string b = Toc({5, 100, 200, 300, 400, 500});
  ASSERT_OK_AND_ASSIGN(IndexToc toc, DecodeIndexToc(b));
  EXPECT_EQ(toc.symbols, 5u);
  EXPECT_EQ(toc.series, 100u);
  EXPECT_EQ(toc.label_indices, 200u);
  EXPECT_EQ(toc.label_offset_table, 300u);
  EXPECT_EQ(toc.postings, 400u);
  EXPECT_EQ(toc.postings_table, 500u);
  for (size_t i = 0; i < b.size(); ++i) {
    SCOPED_TRACE(i);
    std::string bad = b;
    bad[i] ^= 0x10;
    EXPECT_THAT(DecodeIndexToc(bad), StatusIs(absl::StatusCode::kDataLoss));
  }
  EXPECT_THAT(DecodeIndexToc(b.substr(1)), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(ValidateToc, Bounds) {
  struct Case {
    const char* name;
    IndexToc toc;
    uint64_t size;
    bool ok;
  } cases[] = {
      {"good", {5, 16, 0, 0, 40, 48}, 100, true},
      {"table at toc start", {5, 16, 0, 0, 0, 48}, 100, true},
      {"table inside toc", {5, 16, 0, 0, 0, 49}, 100, false},
      {"symbols in header", {4, 16, 0, 0, 0, 40}, 100, false},
      {"series before symbols", {20, 16, 0, 0, 0, 40}, 100, false},
      {"table before series", {5, 40, 0, 0, 0, 30}, 100, false},
      {"huge", {5, 16, 0, 0, 0, ~uint64_t{0}}, 100, false},
      {"file too small", {5, 5, 0, 0, 0, 5}, 56, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    if (c.ok) {
      EXPECT_OK(ValidateToc(c.toc, c.size));
    } else {
      EXPECT_THAT(ValidateToc(c.toc, c.size), StatusIs(absl::StatusCode::kDataLoss));
    }
  }
}

TEST(CheckedSection, CrcAndLength) {
  std::string content("\x00\x00\x00\x01\x01x", 6);
  std::string b;
  base::PutBe32(&b, static_cast<uint32_t>(content.size()));
  b += content;
  base::PutBe32(&b, base::Crc32c(content));
  std::string with_tail = b + "trailing";
  ASSERT_OK_AND_ASSIGN(std::string_view got, CheckedSection(with_tail, "t"));
  EXPECT_EQ(got, content);
  for (size_t n = 0; n < b.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_THAT(CheckedSection(std::string_view(b).substr(0, n), "t"),
                StatusIs(absl::StatusCode::kDataLoss));
  }
  for (size_t i = 0; i < b.size(); ++i) {
    SCOPED_TRACE(i);
    std::string bad = b;
    bad[i] ^= 1;
    EXPECT_THAT(CheckedSection(bad, "t"), StatusIs(absl::StatusCode::kDataLoss));
  }
  std::string huge = FromHex("ffffffff") + content;
  EXPECT_THAT(CheckedSection(huge, "t"), StatusIs(absl::StatusCode::kDataLoss));
  // An empty section: CRC of nothing is 0.
  EXPECT_OK(CheckedSection(FromHex("00000000 00000000"), "t"));
}

}  // namespace
}  // namespace charon::tsdb
