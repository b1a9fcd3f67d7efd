#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace charon::base {
namespace {

TEST(Crc32c, StandardCheckValue) { EXPECT_EQ(Crc32c("123456789"), 0xE3069283u); }

TEST(Crc32c, EmptyIsZero) { EXPECT_EQ(Crc32c(""), 0u); }

TEST(Crc32c, ExtendEqualsWhole) {
  std::string s(1000, '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i * 7 + 3);
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    SCOPED_TRACE(cut);
    std::string_view v(s);
    EXPECT_EQ(Crc32cExtend(Crc32c(v.substr(0, cut)), v.substr(cut)), Crc32c(v));
  }
}

}  // namespace
}  // namespace charon::base
