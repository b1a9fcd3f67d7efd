#include "base/go_string.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "testing/status_matchers.h"

namespace charon::base {
namespace {

using ::charon::testing::StatusIs;

TEST(UnquoteGoString, Table) {
  struct Case {
    std::string in, want;
  };
  const Case cases[] = {
      {"\"\"", ""},
      {"\"abc\"", "abc"},
      {"'it\\'s'", "it's"},
      {"'say \"hi\"'", "say \"hi\""},
      {"`raw\\n`", "raw\\n"},
      {"\"\\a\\b\\f\\n\\r\\t\\v\\\\\"", "\a\b\f\n\r\t\v\\"},
      {"\"\\x41\\101\"", "AA"},
      {"\"\\U0001F600\"", "\xf0\x9f\x98\x80"},
      {"\"\\u20ac\"", "\xe2\x82\xac"},
      {"\"\\000\"", std::string(1, '\0')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(std::string got, UnquoteGoString(c.in));
    EXPECT_EQ(got, c.want);
  }
  for (const char* bad :
       {"", "\"", "abc", "\"a'", "`a`b`", "\"\\\"", "\"\\U00110000\"", "\"\\xg0\""}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(UnquoteGoString(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(UnquoteGoString, PromtoolDumpEscapes) {
  struct Case {
    std::string quoted, want;
  };
  const Case cases[] = {
      {R"("plain")", "plain"},
      {R"("")", ""},
      {R"("a\"b")", "a\"b"},
      {R"("back\\slash")", "back\\slash"},
      {R"("\a\b\f\n\r\t\v")", "\a\b\f\n\r\t\v"},
      {R"("ctl\x01x")", "ctl\x01x"},
      {R"("bad\xff")", "bad\xff"},
      {R"("soft\u00adhy")", "soft\xc2\xadhy"},
      {R"("\U0001f600")", "\xf0\x9f\x98\x80"},
      {R"("\101")", "A"},
      {"\"raw \xc3\xbc\"", "raw \xc3\xbc"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.quoted);
    ASSERT_OK_AND_ASSIGN(std::string got, UnquoteGoString(c.quoted));
    EXPECT_EQ(got, c.want);
  }
  for (std::string bad : {"", "\"", "noquotes", R"("\")", R"("\x1")", R"("\q")", R"("\xzz")"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(UnquoteGoString(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

}  // namespace
}  // namespace charon::base
