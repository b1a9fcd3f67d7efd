#include "block/relabel_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::charon::testing::StatusIs;
using ::testing::HasSubstr;

TEST(HashMod, MatchesLowEightBytesOfRfc1321Vectors) {
  // MD5 test vectors from RFC 1321; the expected value is bytes 8..15 of the digest, big-endian.
  struct Case {
    std::string value;
    uint64_t low8;
  };
  const Case cases[] = {
      {"", 0xe9800998ecf8427eULL},                // d41d8cd98f00b204 e9800998ecf8427e
      {"a", 0x31c399e269772661ULL},               // 0cc175b9c0f1b6a8 31c399e269772661
      {"abc", 0xd6963f7d28e17f72ULL},             // 900150983cd24fb0 d6963f7d28e17f72
      {"message digest", 0x525a2f31aaf161d0ULL},  // f96b697d7cb7938d 525a2f31aaf161d0
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    for (uint64_t mod : {1ULL, 2ULL, 3ULL, 7ULL, 10ULL, 1000ULL}) {
      EXPECT_EQ(HashMod(c.value, mod), c.low8 % mod) << "mod " << mod;
    }
  }
  EXPECT_EQ(HashMod("abc", 1000), 458u);
  EXPECT_EQ(HashMod("", 7), 1u);
  EXPECT_EQ(HashMod("message digest", 10), 4u);
}

TEST(RelabelConfigParse, EmptyOrNullGivesNoRules) {
  for (const char* yaml : {"", "   \n", "null", "~", "[]"}) {
    SCOPED_TRACE(yaml);
    ASSERT_OK_AND_ASSIGN(RelabelConfig c, RelabelConfig::Parse(yaml));
    EXPECT_TRUE(c.empty());
    tsdb::Labels in{{"a", "1"}};
    EXPECT_EQ(c.Relabel(in), std::optional<tsdb::Labels>(in));
  }
}

TEST(RelabelConfigParse, AppliesPrometheusDefaults) {
  ASSERT_OK_AND_ASSIGN(RelabelConfig c, RelabelConfig::Parse(R"(
- action: keep
  source_labels: [a]
)"));
  ASSERT_EQ(c.rules().size(), 1u);
  const RelabelRule& r = c.rules()[0];
  EXPECT_EQ(r.separator, ";");
  EXPECT_EQ(r.regex, "(.*)");
  EXPECT_EQ(r.replacement, "$1");
  EXPECT_EQ(r.modulus, 0u);
  EXPECT_EQ(r.action, RelabelAction::kKeep);
}

TEST(RelabelConfigParse, ReadsEveryField) {
  ASSERT_OK_AND_ASSIGN(RelabelConfig c, RelabelConfig::Parse(R"(
- source_labels: [__block_id, zone]
  separator: "|"
  regex: "x.*"
  modulus: 4
  target_label: shard
  replacement: "y"
  action: HashMod
)"));
  ASSERT_EQ(c.rules().size(), 1u);
  const RelabelRule& r = c.rules()[0];
  EXPECT_EQ(r.source_labels, (std::vector<std::string>{"__block_id", "zone"}));
  EXPECT_EQ(r.separator, "|");
  EXPECT_EQ(r.regex, "x.*");
  EXPECT_EQ(r.modulus, 4u);
  EXPECT_EQ(r.target_label, "shard");
  EXPECT_EQ(r.replacement, "y");
  EXPECT_EQ(r.action, RelabelAction::kHashMod);
}

TEST(RelabelConfigParse, RejectsInvalidConfigs) {
  struct Case {
    const char* name;
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"replace", "- action: replace\n  source_labels: [a]\n  target_label: b\n", "replace"},
      {"labeldrop", "- action: labeldrop\n  regex: a\n", "labeldrop"},
      {"default action is replace", "- source_labels: [a]\n", "replace"},
      {"empty action", "- action: ''\n", "empty"},
      {"unknown action", "- action: frobnicate\n", "frobnicate"},
      {"hashmod without modulus", "- action: hashmod\n  target_label: s\n", "modulus"},
      {"hashmod without target", "- action: hashmod\n  modulus: 2\n", "target_label"},
      {"hashmod bad target", "- action: hashmod\n  modulus: 2\n  target_label: 1x\n",
       "target_label"},
      {"negative modulus", "- action: hashmod\n  modulus: -2\n  target_label: s\n", "modulus"},
      {"bad source label", "- action: keep\n  source_labels: [a-b]\n", "a-b"},
      {"bad regex", "- action: keep\n  regex: '(['\n", "regex"},
      {"not a list", "action: keep\n", "list"},
      {"rule not a map", "- keep\n", "mapping"},
      {"source_labels not a list", "- action: keep\n  source_labels: a\n", "source_labels"},
      {"malformed yaml", "- action: [keep\n", "relabel config"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(RelabelConfig::Parse(c.yaml),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
}

TEST(RelabelConfig, RelabelTable) {
  const tsdb::Labels in{
      {"__block_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, {"region", "eu"}, {"zone", "a"}};
  struct Case {
    const char* name;
    const char* yaml;
    std::optional<tsdb::Labels> want;
  };
  const std::vector<Case> cases = {
      {"keep match", "- action: keep\n  source_labels: [region]\n  regex: eu\n", in},
      {"keep no match", "- action: keep\n  source_labels: [region]\n  regex: us\n", std::nullopt},
      {"regex is anchored", "- action: keep\n  source_labels: [region]\n  regex: e\n",
       std::nullopt},
      {"alternation is anchored as a whole",
       "- action: keep\n  source_labels: [region]\n  regex: e|eu\n", in},
      {"drop match", "- action: drop\n  source_labels: [zone]\n  regex: a\n", std::nullopt},
      {"drop no match", "- action: drop\n  source_labels: [zone]\n  regex: b\n", in},
      {"joined with separator",
       "- action: keep\n  source_labels: [region, zone]\n  regex: 'eu;a'\n", in},
      {"custom separator",
       "- action: keep\n  source_labels: [region, zone]\n  separator: '-'\n  regex: eu-a\n", in},
      {"missing label is empty",
       "- action: keep\n  source_labels: [missing, zone]\n  regex: ';a'\n", in},
      {"drop without source labels matches empty string", "- action: drop\n  regex: ''\n",
       std::nullopt},
      {"rules apply in order",
       "- action: keep\n  source_labels: [region]\n  regex: eu\n"
       "- action: drop\n  source_labels: [zone]\n  regex: a\n",
       std::nullopt},
      {"hashmod sets target",
       "- action: hashmod\n  source_labels: [region]\n  modulus: 1000\n  target_label: shard\n",
       tsdb::Labels{{"__block_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV"},
                    {"region", "eu"},
                    {"shard", std::to_string(HashMod("eu", 1000))},
                    {"zone", "a"}}},
      {"hashmod overwrites target",
       "- action: hashmod\n  source_labels: [region]\n  modulus: 1\n  target_label: zone\n",
       tsdb::Labels{{"__block_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, {"region", "eu"}, {"zone", "0"}}},
      {"hashmod then keep",
       "- action: hashmod\n  source_labels: [region]\n  modulus: 1\n  target_label: shard\n"
       "- action: keep\n  source_labels: [shard]\n  regex: '0'\n",
       tsdb::Labels{{"__block_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV"},
                    {"region", "eu"},
                    {"shard", "0"},
                    {"zone", "a"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_OK_AND_ASSIGN(RelabelConfig config, RelabelConfig::Parse(c.yaml));
    EXPECT_EQ(config.Relabel(in), c.want);
  }
}

TEST(RelabelConfig, HashModOfEmptyJoinIsMd5OfEmptyString) {
  ASSERT_OK_AND_ASSIGN(RelabelConfig c, RelabelConfig::Parse("- action: hashmod\n  modulus: 1000\n"
                                                             "  target_label: s\n"));
  EXPECT_EQ(c.Relabel({}), std::optional<tsdb::Labels>(tsdb::Labels{{"s", "958"}}));
}

}  // namespace
}  // namespace charon::block
