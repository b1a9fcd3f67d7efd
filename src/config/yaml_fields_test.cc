#include "config/yaml_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::config {
namespace {

using ::charon::testing::StatusIs;

YamlMap Load(const std::string& text) {
  absl::StatusOr<YAML::Node> node = ParseYaml(text, "cfg.yaml");
  EXPECT_TRUE(node.ok()) << node.status();
  absl::StatusOr<YamlMap> m = YamlMap::Of(*node, "config", "cfg.yaml");
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

TEST(YamlFields, ReadsEveryKindAndKeepsDefaultsForAbsentKeys) {
  YamlMap m = Load(
      "name: b\nflag: true\ncount: 12\nratio: 0.5\nwait: 1m30s\nnanos: 1500\nsize: 2MiB\n"
      "list: [a, b]\nheaders: {x: y}\nnested: {inner: 3}\nnull_key: ~\n");
  std::string name = "default";
  bool flag = false;
  int count = 0;
  double ratio = 0;
  absl::Duration wait, nanos;
  int64_t size = 0;
  std::vector<std::string> list;
  std::map<std::string, std::string> headers;
  std::string untouched = "keep";
  ASSERT_OK(m.String("name", &name));
  ASSERT_OK(m.Bool("flag", &flag));
  ASSERT_OK(m.Int("count", &count));
  ASSERT_OK(m.Double("ratio", &ratio));
  ASSERT_OK(m.Duration("wait", &wait));
  ASSERT_OK(m.Duration("nanos", &nanos));
  ASSERT_OK(m.ByteSize("size", &size));
  ASSERT_OK(m.StringList("list", &list));
  ASSERT_OK(m.StringMap("headers", &headers));
  ASSERT_OK(m.String("absent", &untouched));
  ASSERT_OK(m.String("null_key", &untouched));
  EXPECT_EQ(name, "b");
  EXPECT_TRUE(flag);
  EXPECT_EQ(count, 12);
  EXPECT_DOUBLE_EQ(ratio, 0.5);
  EXPECT_EQ(wait, absl::Seconds(90));
  EXPECT_EQ(nanos, absl::Nanoseconds(1500));
  EXPECT_EQ(size, 2 << 20);
  EXPECT_THAT(list, ::testing::ElementsAre("a", "b"));
  EXPECT_EQ(headers.at("x"), "y");
  EXPECT_EQ(untouched, "keep");
  ASSERT_OK_AND_ASSIGN(YamlMap nested, m.Map("nested"));
  int inner = 0;
  ASSERT_OK(nested.Int("inner", &inner));
  EXPECT_EQ(inner, 3);
  ASSERT_OK_AND_ASSIGN(YamlMap absent, m.Map("absent"));
  EXPECT_FALSE(absent.Has("inner"));
}

TEST(YamlFields, ErrorsNameTheSourceAndKeyPath) {
  YamlMap m = Load("flag: maybe\ncount: x\nwait: soon\nnested: {bad: 1}\nlist: 3\n");
  bool flag = false;
  int count = 0;
  absl::Duration wait;
  std::vector<std::string> list;
  EXPECT_THAT(m.Bool("flag", &flag),
              StatusIs(absl::StatusCode::kInvalidArgument, "cfg.yaml: config.flag"));
  EXPECT_THAT(m.Int("count", &count),
              StatusIs(absl::StatusCode::kInvalidArgument, "config.count must be an integer"));
  EXPECT_THAT(m.Duration("wait", &wait),
              StatusIs(absl::StatusCode::kInvalidArgument, "config.wait is not a duration"));
  EXPECT_THAT(m.StringList("list", &list), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(m.AllowOnly({"flag", "count", "wait", "list"}),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown key \"nested\""));
  ASSERT_OK_AND_ASSIGN(YamlMap nested, m.Map("nested"));
  EXPECT_THAT(nested.AllowOnly({}),
              StatusIs(absl::StatusCode::kInvalidArgument, "in config.nested"));
  EXPECT_THAT(YamlMap::Of(YAML::Load("[1, 2]"), "config", "cfg.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "config must be a map"));
  EXPECT_THAT(ParseYaml("a: [", "cfg.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument, "cfg.yaml: parsing YAML"));
}

}  // namespace
}  // namespace charon::config
