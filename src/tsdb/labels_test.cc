#include "tsdb/labels.h"

#include <gtest/gtest.h>

namespace charon::tsdb {
namespace {

TEST(CompareLabels, OrdersLikePrometheus) {
  struct Case {
    Labels a, b;
    int want;
  } cases[] = {
      {{}, {}, 0},
      {{{"a", "1"}}, {{"a", "1"}}, 0},
      {{{"a", "1"}}, {{"a", "2"}}, -1},
      {{{"a", "2"}}, {{"a", "1"}}, 1},
      {{{"a", "1"}}, {{"b", "0"}}, -1},
      {{{"a", "1"}}, {{"a", "1"}, {"b", "1"}}, -1},  // proper prefix first
      {{{"a", "1"}, {"b", "1"}}, {{"a", "1"}}, 1},
      {{{"a", "1"}, {"c", "1"}}, {{"a", "1"}, {"b", "9"}}, 1},
      {{{"a", "\xff"}}, {{"a", "z"}}, 1},  // bytewise, unsigned
      {{{"a", ""}}, {{"a", "0"}}, -1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(LabelsToString(c.a) + " vs " + LabelsToString(c.b));
    EXPECT_EQ(CompareLabels(c.a, c.b), c.want);
  }
}

TEST(GetLabel, MissingIsEmpty) {
  Labels ls = {{"__name__", "up"}, {"job", "x"}};
  EXPECT_EQ(GetLabel(ls, "job"), "x");
  EXPECT_EQ(GetLabel(ls, "instance"), "");
}

TEST(LabelsToString, QuotesAsGo) {
  struct Case {
    Labels ls;
    std::string want;
  } cases[] = {
      {{}, "{}"},
      {{{"__name__", "up"}, {"job", "a"}}, R"({__name__="up", job="a"})"},
      {{{"a", "x\"y\\z"}}, R"({a="x\"y\\z"})"},
      {{{"a", "l1\nl2\t\r"}}, R"({a="l1\nl2\t\r"})"},
      {{{"a", std::string("\x00\x07\x7f", 3)}}, R"({a="\x00\a\x7f"})"},
      {{{"a", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"}},
       "{a=\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}"},
      {{{"a", "\xff\xc3"}}, R"({a="\xff\xc3"})"},              // invalid UTF-8 byte by byte
      {{{"a", "\xc2\xa0\xc2\x85"}}, R"({a="\u00a0\u0085"})"},  // NBSP, C1 control
      {{{"a", "\xe2\x80\x8b"}}, R"({a="\u200b"})"},            // zero width space
      {{{"a", "\xf3\xb0\x80\x80"}}, R"({a="\U000f0000"})"},    // private use plane 15
      {{{"a", "\xed\xa0\x80"}}, R"({a="\xed\xa0\x80"})"},      // encoded surrogate is invalid
      {{{"service.name", "x"}, {"_ok9", "y"}}, R"({"service.name"="x", _ok9="y"})"},
      {{{"9lives", "x"}}, R"({"9lives"="x"})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(LabelsToString(c.ls), c.want);
  }
}

}  // namespace
}  // namespace charon::tsdb
