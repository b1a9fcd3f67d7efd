#include "base/percent_decode.h"

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

}  // namespace
}  // namespace charon::base
