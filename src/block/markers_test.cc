#include "block/markers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "block/block_test_util.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::charon::testing::StatusIs;

constexpr char kId[] = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

TEST(ParseDeletionMark, ReadsAllFields) {
  ASSERT_OK_AND_ASSIGN(
      DeletionMark m,
      ParseDeletionMark(R"({"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","version":1,"details":"why",)"
                        R"("deletion_time":1700000000})"));
  EXPECT_EQ(m.id.ToString(), kId);
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.details, "why");
  EXPECT_EQ(m.deletion_time, 1700000000);
}

TEST(ParseDeletionMark, ErrorsTable) {
  struct Case {
    const char* name;
    const char* json;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"empty", "", absl::StatusCode::kDataLoss},
      {"truncated", R"({"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","version":1,"deletion_t)",
       absl::StatusCode::kDataLoss},
      {"not an object", "[1]", absl::StatusCode::kDataLoss},
      {"bad ulid", R"({"id":"nope","version":1,"deletion_time":1})", absl::StatusCode::kDataLoss},
      {"time as string", R"({"version":1,"deletion_time":"1"})", absl::StatusCode::kDataLoss},
      {"time as float", R"({"version":1,"deletion_time":1.5})", absl::StatusCode::kDataLoss},
      {"version 2", R"({"version":2,"deletion_time":1})", absl::StatusCode::kFailedPrecondition},
      {"no version", R"({"deletion_time":1})", absl::StatusCode::kFailedPrecondition},
      {"bad field wins over bad version", R"({"version":2,"deletion_time":"x"})",
       absl::StatusCode::kDataLoss},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParseDeletionMark(c.json), StatusIs(c.code));
  }
}

TEST(ParseNoCompactMark, ReadsAllFields) {
  ASSERT_OK_AND_ASSIGN(
      NoCompactMark m,
      ParseNoCompactMark(R"({"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","version":1,"details":"d",)"
                         R"("no_compact_time":42,"reason":"manual"})"));
  EXPECT_EQ(m.id.ToString(), kId);
  EXPECT_EQ(m.no_compact_time, 42);
  EXPECT_EQ(m.reason, "manual");
  EXPECT_EQ(m.details, "d");
  EXPECT_THAT(ParseNoCompactMark(R"({"version":3})"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(ParseNoCompactMark(R"({"version":1,"reason":7})"),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(ReadDeletionMark, ReadsFromBucketAndReportsMissingAsNotFound) {
  charon::testing::TempDir dir = testutil::NewTempDir();
  auto bucket = testutil::NewBucket(dir.path());
  ASSERT_OK_AND_ASSIGN(base::Ulid id, base::Ulid::Parse(kId));
  EXPECT_THAT(ReadDeletionMark(*bucket, id), StatusIs(absl::StatusCode::kNotFound));
  testutil::MustWriteFile(dir.Path(std::string(kId) + "/deletion-mark.json"),
                          testutil::DeletionMarkJson(id, 99));
  ASSERT_OK_AND_ASSIGN(DeletionMark m, ReadDeletionMark(*bucket, id));
  EXPECT_EQ(m.deletion_time, 99);
}

}  // namespace
}  // namespace charon::block
