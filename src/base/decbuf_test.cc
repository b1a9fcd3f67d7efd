#include "base/decbuf.h"

#include <gtest/gtest.h>

#include <limits>

namespace charon::base {
namespace {

TEST(Decbuf, RoundTripsIntegers) {
  std::string b;
  PutBe32(&b, 0xBAAAD700);
  PutBe64(&b, 0x0102030405060708ull);
  PutUvarint(&b, 300);
  PutVarint(&b, -1000);
  PutVarint(&b, std::numeric_limits<int64_t>::min());
  PutUvarintBytes(&b, "hello");
  Decbuf d(b);
  EXPECT_EQ(d.Be32(), 0xBAAAD700u);
  EXPECT_EQ(d.Be64(), 0x0102030405060708ull);
  EXPECT_EQ(d.Uvarint(), 300u);
  EXPECT_EQ(d.Varint(), -1000);
  EXPECT_EQ(d.Varint(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(d.UvarintBytes(), "hello");
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.Len(), 0u);
}

TEST(Decbuf, ZigzagMatchesGo) {
  std::string b;
  PutVarint(&b, 1000);  // Go: binary.PutVarint(1000) = d0 0f
  EXPECT_EQ(b, std::string("\xd0\x0f", 2));
}

TEST(Decbuf, ErrorIsStickyAndReadsNothingPastEnd) {
  std::string b("\x01\x02", 2);
  Decbuf d(b);
  EXPECT_EQ(d.Be32(), 0u);
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.err().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(d.Byte(), 0u);
  EXPECT_EQ(d.Bytes(1), "");
}

TEST(Decbuf, RejectsTruncatedAndOverlongVarints) {
  for (std::string b : {std::string("\x80", 1), std::string(11, '\xff'),
                        std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10)}) {
    Decbuf d(b);
    d.Uvarint();
    EXPECT_FALSE(d.ok());
  }
  std::string big;
  PutUvarint(&big, uint64_t{1} << 33);
  Decbuf d(big);
  d.Uvarint32();
  EXPECT_FALSE(d.ok());
}

TEST(Decbuf, UvarintBytesLongerThanBufferFails) {
  std::string b;
  PutUvarint(&b, 100);
  b += "abc";
  Decbuf d(b);
  EXPECT_EQ(d.UvarintBytes(), "");
  EXPECT_FALSE(d.ok());
}

}  // namespace
}  // namespace charon::base
