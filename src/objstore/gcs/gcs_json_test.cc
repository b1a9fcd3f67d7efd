#include "objstore/gcs/gcs_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::objstore::gcs {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParseObjectListPage, MergesItemsAndPrefixesInByteOrder) {
  ASSERT_OK_AND_ASSIGN(ObjectListPage page, ParseObjectListPage(R"({
    "kind": "storage#objects",
    "prefixes": ["01AAA/", "with space/"],
    "items": [{"kind": "storage#object", "name": "01AAA.tmp", "size": "9"},
              {"name": "top"}],
    "nextPageToken": "CgR0b3A="})"));
  EXPECT_THAT(page.names, ElementsAre("01AAA.tmp", "01AAA/", "top", "with space/"));
  EXPECT_EQ(page.next_page_token, "CgR0b3A=");
}

TEST(ParseObjectListPage, AbsentListsAreEmpty) {
  ASSERT_OK_AND_ASSIGN(ObjectListPage page, ParseObjectListPage(R"({"kind": "storage#objects"})"));
  EXPECT_THAT(page.names, IsEmpty());
  EXPECT_EQ(page.next_page_token, "");
}

TEST(ParseObjectListPage, MalformedIsDataLoss) {
  for (const char* body : {"", "[]", "{\"items\": {}}", "{\"items\": [{\"size\": \"1\"}]}",
                           "{\"prefixes\": [1]}", "<html>"}) {
    SCOPED_TRACE(body);
    EXPECT_THAT(ParseObjectListPage(body), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST(ParseObjectMetadata, SizeAndUpdated) {
  ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, ParseObjectMetadata(R"({
    "name": "a/b", "size": "5242897", "updated": "2023-11-14T22:13:20.123Z"})"));
  EXPECT_EQ(attrs.size, 5242897);
  EXPECT_EQ(attrs.last_modified, absl::FromUnixMillis(1700000000123));
  ASSERT_OK_AND_ASSIGN(ObjectAttributes numeric,
                       ParseObjectMetadata(R"({"size": 0, "updated": "2023-11-14T22:13:20Z"})"));
  EXPECT_EQ(numeric.size, 0);
}

TEST(ParseObjectMetadata, MalformedIsDataLoss) {
  for (const char* body :
       {"{}", R"({"size": "x", "updated": "2023-11-14T22:13:20Z"})",
        R"({"size": "-1", "updated": "2023-11-14T22:13:20Z"})", R"({"size": "1"})",
        R"({"size": "1", "updated": "yesterday"})", "nope"}) {
    SCOPED_TRACE(body);
    EXPECT_THAT(ParseObjectMetadata(body), StatusIs(absl::StatusCode::kDataLoss));
  }
}

}  // namespace
}  // namespace charon::objstore::gcs
