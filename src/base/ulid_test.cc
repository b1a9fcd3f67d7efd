#include "base/ulid.h"

#include <gtest/gtest.h>

namespace charon::base {
namespace {

TEST(Ulid, ParsesAndFormats) {
  auto u = Ulid::Parse("01DXXFZDYD1MQW6079WK0K6EDQ");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->ToString(), "01DXXFZDYD1MQW6079WK0K6EDQ");
  auto lower = Ulid::Parse("01dxxfzdyd1mqw6079wk0k6edq");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, *u);
}

TEST(Ulid, TimestampRoundTrips) {
  Ulid u = Ulid::FromTime(1700000000123, 42);
  EXPECT_EQ(u.TimestampMs(), 1700000000123u);
  auto back = Ulid::Parse(u.ToString());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, u);
}

TEST(Ulid, RejectsBadText) {
  for (const char* s : {"", "01DXXFZDYD1MQW6079WK0K6ED", "01DXXFZDYD1MQW6079WK0K6EDQQ",
                        "01DXXFZDYD1MQW6079WK0K6EDU", "81DXXFZDYD1MQW6079WK0K6EDQ", "debug"}) {
    SCOPED_TRACE(s);
    EXPECT_FALSE(Ulid::Parse(s).ok());
  }
}

TEST(Ulid, StringOrderIsTimeOrder) {
  EXPECT_LT(Ulid::FromTime(1000, 9).ToString(), Ulid::FromTime(2000, 1).ToString());
}

}  // namespace
}  // namespace charon::base
