#include "cmd/charon/query_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cmd/charon/selector.h"
#include "testing/status_matchers.h"

namespace charon::cmd {
namespace {

using ::charon::testing::StatusIs;
using tsdb::MatchType;

TEST(ParseSelector, Table) {
  struct Case {
    std::string selector;
    std::vector<SelectorMatcher> want;
  };
  const Case cases[] = {
      {"up", {{MatchType::kEqual, "__name__", "up"}}},
      {" up ", {{MatchType::kEqual, "__name__", "up"}}},
      {"ns:rule_total:rate5m{}", {{MatchType::kEqual, "__name__", "ns:rule_total:rate5m"}}},
      {"{}", {}},
      {"{job=\"a\"}", {{MatchType::kEqual, "job", "a"}}},
      {"up{job=\"a\",c!~\"d\"}",
       {{MatchType::kEqual, "__name__", "up"},
        {MatchType::kEqual, "job", "a"},
        {MatchType::kRegexNoMatch, "c", "d"}}},
      {"{ a != 'x' , b =~ `.*\\d` , }",
       {{MatchType::kNotEqual, "a", "x"}, {MatchType::kRegexMatch, "b", ".*\\d"}}},
      {"{__name__=~\"up|down\"}", {{MatchType::kRegexMatch, "__name__", "up|down"}}},
      {"{a=\"\"}", {{MatchType::kEqual, "a", ""}}},
      {"{a=\"q\\\"uote\\\\\"}", {{MatchType::kEqual, "a", "q\"uote\\"}}},
      {"{a=\"\\xff\\377\\u00e9\\n\"}", {{MatchType::kEqual, "a", "\xff\xff\xc3\xa9\n"}}},
      {"{\"my.metric\", \"host.name\"=\"h\"}",
       {{MatchType::kEqual, "__name__", "my.metric"}, {MatchType::kEqual, "host.name", "h"}}},
      {"{a=\"x\"}\n", {{MatchType::kEqual, "a", "x"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.selector);
    ASSERT_OK_AND_ASSIGN(std::vector<SelectorMatcher> got, ParseSelector(c.selector));
    EXPECT_EQ(got, c.want);
  }
}

TEST(ParseSelector, ErrorsAreInvalidArgument) {
  for (const char* bad : {"",
                          "{",
                          "}",
                          "up{",
                          "{a}",
                          "{a=}",
                          "{a=b}",
                          "{a==\"b\"}",
                          "{a=\"b\"",
                          "{a=\"b}",
                          "{a=\"b\" c=\"d\"}",
                          "{a=\"b\"} x",
                          "1up",
                          "{1a=\"b\"}",
                          "{a=\"\\q\"}",
                          "{a=\"\\x4\"}",
                          "{a=\"\\400\"}",
                          "{a=\"\\ud800\"}",
                          "{a=\"x\ny\"}",
                          "{a='\"'}x",
                          "{a=\"\\'\"}"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParseSelector(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  EXPECT_THAT(ParseSelector("{a=b}"), StatusIs(absl::StatusCode::kInvalidArgument, "offset 3"));
}

TEST(ParseTimeMs, Table) {
  const absl::Time now = absl::FromUnixMillis(1700000000000);
  struct Case {
    std::string in;
    int64_t want;
  };
  const Case cases[] = {
      {"0", 0},
      {"-5", -5},
      {"1700000000123", 1700000000123},
      {"2023-11-14T22:13:20Z", 1700000000000},
      {"2023-11-14T22:13:20.5Z", 1700000000500},
      {"2023-11-15T00:13:20+02:00", 1700000000000},
      {"-2h", 1700000000000 - 7200000},
      {"1h30m", 1700000000000 + 5400000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(int64_t got, ParseTimeMs(c.in, now));
    EXPECT_EQ(got, c.want);
  }
  for (const char* bad : {"", "yesterday", "2023-11-14", "1e3", "10 s"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParseTimeMs(bad, now), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

}  // namespace
}  // namespace charon::cmd
