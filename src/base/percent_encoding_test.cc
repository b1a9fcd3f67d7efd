#include "base/percent_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace charon::base {
namespace {

TEST(PercentDecode, Table) {
  struct Case {
    std::string in;
    bool plus_as_space;
    std::string want;
    bool malformed;
  };
  const Case cases[] = {
      {"a%2Fb%2fc", false, "a/b/c", false},
      {"a+b%20c", true, "a b c", false},
      {"a+b", false, "a+b", false},
      {"%", false, "%", true},
      {"%4", false, "%4", true},
      {"%zz1", false, "%zz1", true},
      {"100%25", false, "100%", false},
      {"", true, "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    bool malformed = false;
    EXPECT_EQ(PercentDecode(c.in, c.plus_as_space, &malformed), c.want);
    EXPECT_EQ(malformed, c.malformed);
  }
}

TEST(HexDigitValue, BothCasesAndNonDigits) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexDigitValue('%'), -1);
}

TEST(PercentEncode, EncodesAllButUnreserved) {
  EXPECT_EQ(PercentEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(PercentEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(PercentEncode("with space/\xc3\xbc.txt", true), "with%20space/%C3%BC.txt");
  EXPECT_EQ(PercentEncode("+=&?%*", false), "%2B%3D%26%3F%25%2A");
  EXPECT_EQ(PercentEncode("", true), "");
  EXPECT_EQ(PercentEncode(std::string("\0\xff", 2), false), "%00%FF");
}

}  // namespace
}  // namespace charon::base
