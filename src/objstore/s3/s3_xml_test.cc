#include "objstore/s3/s3_xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::objstore::s3 {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParseListBucketResult, V2PageWithPrefixesAndToken) {
  ASSERT_OK_AND_ASSIGN(ListPage page,
                       ParseListBucketResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>blocks</Name><Prefix></Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>
  <Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
  <Contents><Key>01AAA.tmp</Key><Size>9</Size></Contents>
  <Contents><Key>top</Key><Size>1</Size></Contents>
  <CommonPrefixes><Prefix>01AAA/</Prefix></CommonPrefixes>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)"));
  EXPECT_THAT(page.keys, ElementsAre("01AAA.tmp", "top"));
  EXPECT_THAT(page.common_prefixes, ElementsAre("01AAA/"));
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  EXPECT_EQ(page.next_marker, "");
}

TEST(ParseListBucketResult, UrlEncodedKeysAreDecoded) {
  ASSERT_OK_AND_ASSIGN(ListPage page, ParseListBucketResult(R"(<ListBucketResult>
  <EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
  <Contents><Key>with+space/%C3%BC.txt</Key></Contents>
  <Contents><Key>a%2Bb</Key></Contents>
  <CommonPrefixes><Prefix>dir%20x/</Prefix></CommonPrefixes>
  <NextMarker>a%2Bb</NextMarker>
</ListBucketResult>)"));
  EXPECT_THAT(page.keys, ElementsAre("with space/\xc3\xbc.txt", "a+b"));
  EXPECT_THAT(page.common_prefixes, ElementsAre("dir x/"));
  EXPECT_FALSE(page.truncated);
  EXPECT_EQ(page.next_marker, "a+b");
}

TEST(ParseListBucketResult, KeysAreRawWithoutEncodingType) {
  ASSERT_OK_AND_ASSIGN(
      ListPage page,
      ParseListBucketResult(
          "<ListBucketResult><Contents><Key>100%+x</Key></Contents></ListBucketResult>"));
  EXPECT_THAT(page.keys, ElementsAre("100%+x"));
}

TEST(ParseListBucketResult, EmptyAndMalformed) {
  ASSERT_OK_AND_ASSIGN(ListPage empty, ParseListBucketResult("<ListBucketResult/>"));
  EXPECT_THAT(empty.keys, IsEmpty());
  EXPECT_FALSE(empty.truncated);
  EXPECT_THAT(ParseListBucketResult("<ListBucketResult><Contents>"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(ParseListBucketResult("<Error><Code>InternalError</Code></Error>"),
              StatusIs(absl::StatusCode::kUnavailable, "ListBucketResult"));
  EXPECT_THAT(ParseListBucketResult("<ListBucketResult><EncodingType>url</EncodingType>"
                                    "<Contents><Key>bad%zz</Key></Contents></ListBucketResult>"),
              StatusIs(absl::StatusCode::kUnavailable, "bad URL escape"));
}

TEST(ParseS3Error, ReadsCodeMessageRegion) {
  S3ErrorDoc e = ParseS3Error(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AuthorizationHeaderMalformed</Code><Message>wrong region</Message>
<Region>eu-west-1</Region><RequestId>1</RequestId></Error>)");
  EXPECT_EQ(e.code, "AuthorizationHeaderMalformed");
  EXPECT_EQ(e.message, "wrong region");
  EXPECT_EQ(e.region, "eu-west-1");
  EXPECT_EQ(ParseS3Error("").code, "");
  EXPECT_EQ(ParseS3Error("not xml <").code, "");
  EXPECT_EQ(ParseS3Error("<Other><Code>x</Code></Other>").code, "");
}

TEST(ParseLocationConstraint, RegionsAndLegacyNames) {
  ASSERT_OK_AND_ASSIGN(std::string region,
                       ParseLocationConstraint(
                           R"(<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
                           "eu-central-1</LocationConstraint>"));
  EXPECT_EQ(region, "eu-central-1");
  ASSERT_OK_AND_ASSIGN(std::string us, ParseLocationConstraint("<LocationConstraint/>"));
  EXPECT_EQ(us, "us-east-1");
  ASSERT_OK_AND_ASSIGN(std::string eu,
                       ParseLocationConstraint("<LocationConstraint>EU</LocationConstraint>"));
  EXPECT_EQ(eu, "eu-west-1");
  EXPECT_THAT(ParseLocationConstraint("<Nope/>"), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(QueryUnescape, GoSemantics) {
  EXPECT_EQ(*QueryUnescape("a+b%20c%2Fd"), "a b c/d");
  EXPECT_EQ(*QueryUnescape(""), "");
  EXPECT_THAT(QueryUnescape("%"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(QueryUnescape("%4"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(QueryUnescape("%G0"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace charon::objstore::s3
