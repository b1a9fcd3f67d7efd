#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "base/units.h"
#include "cmd/charon/path_or_content.h"
#include "cmd/charon/time_or_duration.h"
#include "testing/status_matchers.h"

namespace charon::cmd {
namespace {

using ::charon::base::ParseByteSize;
using ::charon::base::ParseDuration;
using ::charon::testing::StatusIs;

TEST(ParseByteSize, Base2Units) {
  struct Case {
    const char* in;
    int64_t want;
  };
  const std::vector<Case> cases = {
      {"0", 0},
      {"1B", 1},
      {"250MB", 250LL << 20},
      {"2GB", 2LL << 30},
      {"2GiB", 2LL << 30},
      {"1KB", 1024},
      {"1.5KiB", 1536},
      {"1GB512MB", (1LL << 30) + (512LL << 20)},
      {"1TB", 1LL << 40},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(int64_t got, ParseByteSize(c.in));
    EXPECT_EQ(got, c.want);
  }
  for (const char* bad : {"", "10", "MB", "10mb", "10XB", "-1MB", "1..5MB", "100000EB"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParseByteSize(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(ParseDuration, GoAndPrometheusSyntax) {
  struct Case {
    const char* in;
    absl::Duration want;
  };
  const std::vector<Case> cases = {
      {"0", absl::ZeroDuration()},
      {"0s", absl::ZeroDuration()},
      {"3m", absl::Minutes(3)},
      {"24h", absl::Hours(24)},
      {"1h30m", absl::Minutes(90)},
      {"1.5s", absl::Milliseconds(1500)},
      {"500ms", absl::Milliseconds(500)},
      {"10us", absl::Microseconds(10)},
      {"1d", absl::Hours(24)},
      {"2w", absl::Hours(24 * 14)},
      {"1y", absl::Hours(24 * 365)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(absl::Duration got, ParseDuration(c.in));
    EXPECT_EQ(got, c.want);
  }
  for (const char* bad : {"", "3", "3x", "m", "-1h", "1h-"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParseDuration(bad), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  ASSERT_OK_AND_ASSIGN(absl::Duration negative, ParseDuration("-1d", /*allow_sign=*/true));
  EXPECT_EQ(negative, -absl::Hours(24));
}

TEST(TimeOrDuration, AbsoluteAndRelative) {
  const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  ASSERT_OK_AND_ASSIGN(TimeOrDuration abs, TimeOrDuration::Parse("2026-01-02T00:00:00Z"));
  EXPECT_FALSE(abs.is_relative());
  EXPECT_EQ(abs.Resolve(now), now + absl::Hours(24));
  EXPECT_EQ(abs.Resolve(now + absl::Hours(5)), now + absl::Hours(24));

  ASSERT_OK_AND_ASSIGN(TimeOrDuration rel, TimeOrDuration::Parse("-2h"));
  EXPECT_TRUE(rel.is_relative());
  EXPECT_EQ(rel.Resolve(now), now - absl::Hours(2));
  EXPECT_EQ(rel.Resolve(now + absl::Hours(1)), now - absl::Hours(1));  // re-evaluated on use
  EXPECT_EQ(rel.ResolveMillis(now), 1767225600000 - 2 * 3600 * 1000);

  ASSERT_OK_AND_ASSIGN(TimeOrDuration fwd, TimeOrDuration::Parse("2h45m"));
  EXPECT_EQ(fwd.Resolve(now), now + absl::Minutes(165));

  ASSERT_OK_AND_ASSIGN(TimeOrDuration offset, TimeOrDuration::Parse("2026-01-01T02:00:00.5+02:00"));
  EXPECT_EQ(offset.Resolve(now), now + absl::Milliseconds(500));

  EXPECT_THAT(TimeOrDuration::Parse("yesterday"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TimeOrDuration, ThanosDefaultsResolveToPrometheusMillis) {
  ASSERT_OK_AND_ASSIGN(TimeOrDuration min, TimeOrDuration::Parse("0000-01-01T00:00:00Z"));
  ASSERT_OK_AND_ASSIGN(TimeOrDuration max, TimeOrDuration::Parse("9999-12-31T23:59:59Z"));
  EXPECT_EQ(min.ResolveMillis(absl::Now()), -62167219200000);
  EXPECT_EQ(max.ResolveMillis(absl::Now()), 253402300799000);
}

TEST(ExpandEnv, SubstitutesAndRejectsUnset) {
  setenv("CHARON_TEST_SECRET", "s3cr3t", 1);
  unsetenv("CHARON_TEST_UNSET");
  ASSERT_OK_AND_ASSIGN(std::string got,
                       ExpandEnv("key: $(CHARON_TEST_SECRET) and $(CHARON_TEST_SECRET)"));
  EXPECT_EQ(got, "key: s3cr3t and s3cr3t");
  ASSERT_OK_AND_ASSIGN(std::string literal, ExpandEnv("cost: $5 $(not a var) ${X}"));
  EXPECT_EQ(literal, "cost: $5 $(not a var) ${X}");
  EXPECT_THAT(ExpandEnv("a: $(CHARON_TEST_UNSET)"),
              StatusIs(absl::StatusCode::kInvalidArgument, "CHARON_TEST_UNSET"));
}

TEST(PathOrContent, FileOrInlineNotBoth) {
  PathOrContent p("objstore.config", /*required=*/true);
  EXPECT_THAT(p.Content(), StatusIs(absl::StatusCode::kInvalidArgument, "is required"));

  p.content = "type: FILESYSTEM";
  ASSERT_OK_AND_ASSIGN(std::string inline_content, p.Content());
  EXPECT_EQ(inline_content, "type: FILESYSTEM");

  const std::string path = ::testing::TempDir() + "/path_or_content_test.yaml";
  {
    std::ofstream out(path);
    out << "type: $(CHARON_TEST_TYPE)";
  }
  setenv("CHARON_TEST_TYPE", "S3", 1);
  p.path = path;
  EXPECT_THAT(p.Content(), StatusIs(absl::StatusCode::kInvalidArgument, "both"));
  p.content.clear();
  ASSERT_OK_AND_ASSIGN(std::string file_content, p.Content());
  EXPECT_EQ(file_content, "type: S3");

  p.path = path + ".missing";
  EXPECT_THAT(p.Content(), StatusIs(absl::StatusCode::kNotFound));

  PathOrContent optional("tracing.config");
  ASSERT_OK_AND_ASSIGN(std::string empty, optional.Content());
  EXPECT_EQ(empty, "");
}

}  // namespace
}  // namespace charon::cmd
