#include "objstore/azure/blob_listing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::objstore::azure {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ParseBlobListPage, MergesBlobsAndPrefixesInByteOrder) {
  // Grouped (blobs first, then prefixes), as some servers answer.
  const char* xml = R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="c">
  <Prefix/><MaxResults>5000</MaxResults><Delimiter>/</Delimiter>
  <Blobs>
    <Blob><Name>01AAA.tmp</Name><Properties><Content-Length>9</Content-Length></Properties></Blob>
    <Blob><Name>top</Name><Properties/></Blob>
    <BlobPrefix><Name>01AAA/</Name></BlobPrefix>
    <BlobPrefix><Name>01AAAX/</Name></BlobPrefix>
    <BlobPrefix><Name>with space/</Name></BlobPrefix>
  </Blobs>
  <NextMarker/>
</EnumerationResults>)";
  ASSERT_OK_AND_ASSIGN(BlobListPage page, ParseBlobListPage(xml));
  EXPECT_THAT(page.names, ElementsAre("01AAA.tmp", "01AAA/", "01AAAX/", "top", "with space/"));
  EXPECT_EQ(page.next_marker, "");
}

TEST(ParseBlobListPage, NextMarkerAndEncodedNames) {
  const char* xml = R"(<EnumerationResults ContainerName="c">
  <Blobs>
    <Blob><Name Encoded="true">a%01b</Name></Blob>
    <Blob><Name>caf&#xE9;</Name></Blob>
  </Blobs>
  <NextMarker>2!48!MDAwMDEz</NextMarker>
</EnumerationResults>)";
  ASSERT_OK_AND_ASSIGN(BlobListPage page, ParseBlobListPage(xml));
  EXPECT_THAT(page.names, ElementsAre("a\x01"
                                      "b",
                                      "caf\xc3\xa9"));
  EXPECT_EQ(page.next_marker, "2!48!MDAwMDEz");
}

TEST(ParseBlobListPage, EmptyListing) {
  ASSERT_OK_AND_ASSIGN(
      BlobListPage page,
      ParseBlobListPage("<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>"));
  EXPECT_THAT(page.names, IsEmpty());
  EXPECT_EQ(page.next_marker, "");
}

TEST(ParseBlobListPage, GarbageIsDataLoss) {
  EXPECT_THAT(ParseBlobListPage("<EnumerationResults><Blobs>"),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ParseBlobListPage("<Error><Code>AuthenticationFailed</Code></Error>"),
              StatusIs(absl::StatusCode::kDataLoss, "EnumerationResults"));
  EXPECT_THAT(ParseBlobListPage(""), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace charon::objstore::azure
