#include "tsdb/matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "testing/status_matchers.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAreArray;

Matcher Must(MatchType t, std::string name, std::string value) {
  absl::StatusOr<Matcher> m = Matcher::Create(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

// The reference semantics: Prometheus 2.x's ^(?:re)$ evaluated by RE2.
std::unique_ptr<RE2> Reference(const std::string& re) {
  RE2::Options o;
  o.set_log_errors(false);
  auto r = std::make_unique<RE2>("^(?:" + re + ")$", o);
  EXPECT_TRUE(r->ok()) << re;
  return r;
}

bool ReferenceMatches(const RE2& re, std::string_view v) {
  return RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), re);
}

TEST(Matcher, MatchesTable) {
  struct Case {
    MatchType type;
    std::string value;
    std::string input;
    bool want;
  };
  const Case cases[] = {
      {MatchType::kEqual, "a", "a", true},
      {MatchType::kEqual, "a", "ab", false},
      {MatchType::kEqual, "", "", true},
      {MatchType::kNotEqual, "a", "a", false},
      {MatchType::kNotEqual, "a", "", true},
      {MatchType::kRegexMatch, "a|b", "b", true},
      {MatchType::kRegexMatch, "a|b", "ab", false},
      {MatchType::kRegexMatch, "(a|b)", "a", true},
      {MatchType::kRegexMatch, "2|2\\.5", "2.5", true},
      {MatchType::kRegexMatch, "2|2\\.5", "2x5", false},
      {MatchType::kRegexMatch, "foo(bar|baz)", "foobaz", true},
      {MatchType::kRegexMatch, "foo(bar|baz)", "foo", false},
      {MatchType::kRegexMatch, ".*", "", true},
      {MatchType::kRegexMatch, ".*", "a\nb", false},  // `.` is not \n (Prometheus 2.x)
      {MatchType::kRegexMatch, ".*", "\xff", false},  // RE2's dot needs UTF-8
      {MatchType::kRegexMatch, ".+", "", false},
      {MatchType::kRegexMatch, ".+", "\n", false},
      {MatchType::kRegexMatch, "foo.*", "foo", true},
      {MatchType::kRegexMatch, "foo.*", "fo", false},
      {MatchType::kRegexMatch, "foo.*", "foo\xc3\xa9", true},
      {MatchType::kRegexMatch, "foo.+", "foo", false},
      {MatchType::kRegexMatch, "foo.+", "foox", true},
      {MatchType::kRegexMatch, "foo(bar|baz).*", "foobazzz", true},
      {MatchType::kRegexMatch, "foo(bar|baz).*", "fooba", false},
      {MatchType::kRegexMatch, "a", "ba", false},  // anchored at both ends
      {MatchType::kRegexMatch, "a", "ab", false},
      {MatchType::kRegexMatch, "^a?$", "", true},
      {MatchType::kRegexMatch, "^a?$", "a", true},
      {MatchType::kRegexMatch, "(?i)FOO", "foo", true},
      {MatchType::kRegexMatch, "(?i)foo|bar", "FOO", true},
      {MatchType::kRegexMatch, "(?i)foo.*", "FOOx", true},
      {MatchType::kRegexMatch, "a.c", "a\nc", false},
      {MatchType::kRegexMatch, "c||d", "", true},
      {MatchType::kRegexMatch, "", "", true},
      {MatchType::kRegexMatch, "", "x", false},
      {MatchType::kRegexNoMatch, "a|b", "a", false},
      {MatchType::kRegexNoMatch, "a|b", "", true},
      {MatchType::kRegexNoMatch, ".*", "x", false},
      {MatchType::kRegexNoMatch, ".+", "", true},
      {MatchType::kRegexNoMatch, "foo.*", "bar", true},
  };
  for (const Case& c : cases) {
    Matcher m = Must(c.type, "l", c.value);
    SCOPED_TRACE(m.String() + " on \"" + c.input + "\"");
    EXPECT_EQ(m.Matches(c.input), c.want);
  }
}

TEST(Matcher, SetMatchesAndPrefix) {
  struct Case {
    std::string re;
    std::vector<std::string> set;  // empty: no set
    std::string prefix;
    bool any = false;
    bool non_empty = false;
  };
  const Case cases[] = {
      {"a|b|c", {"a", "b", "c"}, ""},
      {"c|b|a|b", {"a", "b", "c"}, ""},
      {"(a|b)", {"a", "b"}, ""},
      {"(?:a|b)", {"a", "b"}, ""},
      {"2|2\\.5", {"2", "2.5"}, "2"},
      {"foo|bar\\.baz", {"bar.baz", "foo"}, ""},
      {"foo(bar|baz)", {"foobar", "foobaz"}, "fooba"},
      {"foo", {"foo"}, "foo"},
      {"", {""}, ""},
      {"c||d", {"", "c", "d"}, ""},
      {"a\\|b", {"a|b"}, "a|b"},
      {".*", {}, "", true},
      {"(.*)", {}, "", true},
      {".+", {}, "", false, true},
      {"foo.*", {}, "foo"},
      {"foo.+", {}, "foo"},
      {"foo(bar|baz).*", {}, "fooba"},
      {"foo.*bar", {}, "foo"},
      {"(?i)foo", {}, ""},
      {"(?i)a|b", {}, ""},
      {"[ab]", {}, ""},
      {"a?", {}, ""},
      {"ab*", {}, "a"},
      {"a{2}", {}, "aa"},
      {"\\d", {}, ""},
      {"^a$", {}, "a"},
      {"pod-01[0-9]+", {}, "pod-01"},
      {"(?i)pod-01[0-9]+", {}, ""},
      {"pod-01[0-9]+|pod-02", {}, "pod-0"},
      {".*?", {}, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.re);
    Matcher m = Must(MatchType::kRegexMatch, "l", c.re);
    EXPECT_EQ(m.has_set_matches(), !c.set.empty());
    EXPECT_THAT(m.set_matches(), ElementsAreArray(c.set));
    EXPECT_EQ(m.prefix(), c.prefix);
    EXPECT_EQ(m.regex_matches_any(), c.any);
    EXPECT_EQ(m.regex_matches_non_empty(), c.non_empty);
  }
}

TEST(Matcher, EqualityMatchersHaveTheirValueAsSet) {
  Matcher eq = Must(MatchType::kEqual, "l", "a|b");
  EXPECT_TRUE(eq.has_set_matches());
  EXPECT_THAT(eq.set_matches(), ElementsAreArray({"a|b"}));
  EXPECT_FALSE(eq.regex_matches_any());
  Matcher ne = Must(MatchType::kNotEqual, "l", ".*");
  EXPECT_FALSE(ne.regex_matches_any());
  EXPECT_TRUE(ne.Matches("x"));
  EXPECT_FALSE(ne.Matches(".*"));
}

TEST(Matcher, SetExpansionIsCapped) {
  // 17 * 17 = 289 combinations exceed the 256 Prometheus expands; the regex still matches.
  std::string alt = "(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q)";
  Matcher m = Must(MatchType::kRegexMatch, "l", alt + alt);
  EXPECT_FALSE(m.has_set_matches());
  EXPECT_TRUE(m.Matches("qa"));
  EXPECT_FALSE(m.Matches("qz"));
}

TEST(Matcher, InvalidRegexIsInvalidArgument) {
  for (const char* re : {"a(", "(", "[", "*", "a**", "a)(b", "(?P<x", "\\"}) {
    SCOPED_TRACE(re);
    EXPECT_THAT(Matcher::Create(MatchType::kRegexMatch, "l", re),
                StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(Matcher::Create(MatchType::kRegexNoMatch, "l", re),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
  // Equality matchers take any value.
  EXPECT_OK(Matcher::Create(MatchType::kEqual, "l", "a("));
}

TEST(Matcher, StringQuotesLikeGo) {
  struct Case {
    MatchType type;
    std::string name;
    std::string value;
    std::string want;
  };
  const Case cases[] = {
      {MatchType::kEqual, "job", "api", "job=\"api\""},
      {MatchType::kNotEqual, "job", "", "job!=\"\""},
      {MatchType::kRegexMatch, "job", "a|b\\.c", "job=~\"a|b\\\\.c\""},
      {MatchType::kRegexNoMatch, "job", "x\"y", "job!~\"x\\\"y\""},
      {MatchType::kEqual, "l", "a\nb\tc\x01", "l=\"a\\nb\\tc\\x01\""},
      {MatchType::kEqual, "l", "\xc3\xa9", "l=\"\xc3\xa9\""},
      {MatchType::kEqual, "l", "\xff", "l=\"\\xff\""},
      {MatchType::kEqual, "l", "\x7f", "l=\"\\x7f\""},
      {MatchType::kEqual, "l", "\xc2\x80", "l=\"\\u0080\""},
      {MatchType::kEqual, "l", "\xef\xbb\xbf", "l=\"\\ufeff\""},
      {MatchType::kEqual, "l", "\xf0\x9f\x98\x80", "l=\"\xf0\x9f\x98\x80\""},
      {MatchType::kEqual, "_a1", "v", "_a1=\"v\""},
      {MatchType::kEqual, "1a", "v", "\"1a\"=\"v\""},
      {MatchType::kEqual, "a.b", "v", "\"a.b\"=\"v\""},
      {MatchType::kEqual, "", "v", "\"\"=\"v\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(Must(c.type, c.name, c.value).String(), c.want);
  }
}

TEST(Matcher, CopiesShareCompiledRegex) {
  Matcher a = Must(MatchType::kRegexMatch, "l", "x[0-9]+");
  Matcher b = a;
  EXPECT_TRUE(b.Matches("x12"));
  EXPECT_FALSE(b.Matches("x"));
}

// Random regexes built from the syntax the fast paths look at (plus bits they must refuse), checked
// against RE2 on random values including newlines, non-ASCII and invalid UTF-8.
class RegexGen {
 public:
  explicit RegexGen(uint32_t seed) : rng_(seed) {}

  std::string Alternation(int depth) {
    std::string out = Sequence(depth);
    while (Pick(3) == 0) out += "|" + Sequence(depth);
    return out;
  }

  std::string Value() {
    static const char* kPieces[] = {"a", "b",        "f",    "o",    ".", "|",   "\n",
                                    "A", "\xc3\xa9", "\xff", "\x80", "-", "foo", "ab"};
    std::string v;
    for (int n = Pick(6); n > 0; --n) v += kPieces[Pick(std::size(kPieces))];
    return v;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  std::string Sequence(int depth) {
    std::string out;
    for (int n = Pick(4); n > 0; --n) out += Atom(depth);
    return out;
  }

  std::string Atom(int depth) {
    static const char* kLiterals[] = {"a",   "b",   "ab",  "foo", "\xc3\xa9", "\\.",
                                      "\\|", "\\*", "\\(", "-",   "\n",       "A"};
    static const char* kOthers[] = {"[ab]", "a?", "b*", "(?i)", "^", "$", "\\d", ".", "a{1,2}"};
    switch (Pick(depth > 2 ? 8 : 10)) {
      case 0:
      case 1:
      case 2:
      case 3:
        return kLiterals[Pick(std::size(kLiterals))];
      case 4:
        return ".*";
      case 5:
        return ".+";
      case 6:
        return Pick(5) == 0 ? kOthers[Pick(std::size(kOthers))] : kLiterals[0];
      case 7:
        return "(?i)";
      case 8:
        return "(" + Alternation(depth + 1) + ")";
      default:
        return "(?:" + Alternation(depth + 1) + ")";
    }
  }

  std::mt19937 rng_;
};

TEST(Matcher, RandomRegexesAgreeWithRe2) {
  RegexGen gen(20240611);
  int fast = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string re = gen.Alternation(0);
    absl::StatusOr<Matcher> m = Matcher::Create(MatchType::kRegexMatch, "l", re);
    ASSERT_TRUE(m.ok()) << re << ": " << m.status();
    absl::StatusOr<Matcher> nm = Matcher::Create(MatchType::kRegexNoMatch, "l", re);
    ASSERT_TRUE(nm.ok()) << re;
    if (m->has_set_matches() || !m->prefix().empty() || m->regex_matches_any() ||
        m->regex_matches_non_empty()) {
      ++fast;
    }
    std::vector<std::string> values;
    for (int k = 0; k < 25; ++k) values.push_back(gen.Value());
    for (const std::string& s : m->set_matches()) {
      values.push_back(s);
      values.push_back(s + "a");
      if (!s.empty()) values.push_back(s.substr(1));
    }
    values.push_back(m->prefix());
    values.push_back(m->prefix() + "\xff");
    values.push_back(m->prefix() + "x\n");
    std::unique_ptr<RE2> ref = Reference(re);
    for (const std::string& v : values) {
      const bool want = ReferenceMatches(*ref, v);
      ASSERT_EQ(m->Matches(v), want)
          << "re=" << m->String() << " v=" << ::testing::PrintToString(v);
      ASSERT_EQ(nm->Matches(v), !want) << "re=" << nm->String();
    }
  }
  // The generator must exercise the fast paths, not only RE2.
  EXPECT_GT(fast, 1000);
}

}  // namespace
}  // namespace charon::tsdb
