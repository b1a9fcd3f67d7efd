#include "objstore/s3/s3_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "testing/status_matchers.h"

namespace charon::objstore::s3 {
namespace {

using ::charon::testing::StatusIs;

TEST(AwsEndpoints, RecognisedAndRegionRead) {
  struct Case {
    std::string host;
    bool aws;
    std::string region;
  };
  const Case cases[] = {
      {"s3.amazonaws.com", true, ""},
      {"s3-external-1.amazonaws.com", true, ""},
      {"s3.eu-west-1.amazonaws.com", true, "eu-west-1"},
      {"s3-eu-west-1.amazonaws.com", true, "eu-west-1"},
      {"s3.dualstack.ap-southeast-2.amazonaws.com", true, "ap-southeast-2"},
      {"s3-fips.us-east-1.amazonaws.com", true, "us-east-1"},
      {"s3-fips.dualstack.us-west-2.amazonaws.com", true, "us-west-2"},
      {"s3-us-gov-west-1.amazonaws.com", true, "us-gov-west-1"},
      {"s3.cn-north-1.amazonaws.com.cn", true, "cn-north-1"},
      {"s3.dualstack.cn-northwest-1.amazonaws.com.cn", true, "cn-northwest-1"},
      {"bucket.vpce-0a1b2c3d-4e5f.s3.us-east-1.vpce.amazonaws.com", true, "us-east-1"},
      {"my-elb-123.eu-west-1.elb.amazonaws.com", false, ""},
      {"minio.example.com", false, ""},
      {"127.0.0.1", false, ""},
      {"localhost", false, ""},
      {"storage.googleapis.com", false, ""},
      {"s3.example.com", false, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.host);
    EXPECT_EQ(IsAwsEndpoint(c.host), c.aws);
    EXPECT_EQ(RegionFromAwsEndpoint(c.host), c.region);
  }
}

TEST(AwsRegionalHost, AsMinioGoRewritesIt) {
  EXPECT_EQ(AwsRegionalHost("s3.amazonaws.com", "eu-west-1", true),
            "s3.dualstack.eu-west-1.amazonaws.com");
  EXPECT_EQ(AwsRegionalHost("s3.amazonaws.com", "eu-west-1", false), "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(AwsRegionalHost("s3-eu-west-1.amazonaws.com", "eu-west-1", false),
            "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(AwsRegionalHost("s3.cn-north-1.amazonaws.com.cn", "cn-north-1", false),
            "s3.cn-north-1.amazonaws.com.cn");
  // Kept: FIPS, PrivateLink, and anything that is not AWS.
  EXPECT_EQ(AwsRegionalHost("s3-fips.us-east-1.amazonaws.com", "us-east-1", true),
            "s3-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(AwsRegionalHost("bucket.vpce-1.s3.us-east-1.vpce.amazonaws.com", "us-east-1", true),
            "bucket.vpce-1.s3.us-east-1.vpce.amazonaws.com");
  EXPECT_EQ(AwsRegionalHost("minio.local", "us-east-1", true), "minio.local");
}

TEST(UseVirtualHost, AutoFollowsMinioGo) {
  EXPECT_TRUE(UseVirtualHost(BucketLookup::kAuto, "s3.amazonaws.com", "blocks", true));
  EXPECT_TRUE(UseVirtualHost(BucketLookup::kAuto, "s3.eu-west-1.amazonaws.com", "blocks", true));
  EXPECT_TRUE(UseVirtualHost(BucketLookup::kAuto, "storage.googleapis.com", "blocks", true));
  EXPECT_TRUE(UseVirtualHost(BucketLookup::kAuto, "oss-cn-hangzhou.aliyuncs.com", "b", true));
  // Dotted names would break the certificate over https.
  EXPECT_FALSE(UseVirtualHost(BucketLookup::kAuto, "s3.amazonaws.com", "my.blocks", true));
  EXPECT_TRUE(UseVirtualHost(BucketLookup::kAuto, "s3.amazonaws.com", "my.blocks", false));
  EXPECT_FALSE(UseVirtualHost(BucketLookup::kAuto, "127.0.0.1", "blocks", false));
  EXPECT_FALSE(UseVirtualHost(BucketLookup::kAuto, "localhost", "blocks", false));
  EXPECT_FALSE(UseVirtualHost(BucketLookup::kAuto, "minio.example.com", "blocks", true));
  EXPECT_TRUE(UseVirtualHost(BucketLookup::kVirtualHosted, "minio.example.com", "blocks", true));
  EXPECT_FALSE(UseVirtualHost(BucketLookup::kPath, "s3.amazonaws.com", "blocks", true));
}

TEST(S3Addressing, PathStyleUrls) {
  ASSERT_OK_AND_ASSIGN(
      S3Addressing a, S3Addressing::Create("127.0.0.1:9000", "blocks", false, BucketLookup::kAuto));
  EXPECT_FALSE(a.virtual_host());
  EXPECT_EQ(a.ObjectUrl("01AAA/chunks/000001"), "http://127.0.0.1:9000/blocks/01AAA/chunks/000001");
  EXPECT_EQ(a.ObjectUrl("with space/\xc3\xbc+.txt"),
            "http://127.0.0.1:9000/blocks/with%20space/%C3%BC%2B.txt");
  EXPECT_EQ(a.BucketUrl({}), "http://127.0.0.1:9000/blocks/");
  // Keys sorted, values encoded ('/' too).
  EXPECT_EQ(a.BucketUrl({{"prefix", "a b/"}, {"list-type", "2"}, {"delimiter", "/"}}),
            "http://127.0.0.1:9000/blocks/?delimiter=%2F&list-type=2&prefix=a%20b%2F");
}

TEST(S3Addressing, VirtualHostedUrls) {
  ASSERT_OK_AND_ASSIGN(S3Addressing a, S3Addressing::Create("s3.amazonaws.com", "blocks", true,
                                                            BucketLookup::kAuto));
  EXPECT_TRUE(a.virtual_host());
  EXPECT_EQ(a.ObjectUrl("x/y"), "https://blocks.s3.amazonaws.com/x/y");
  EXPECT_EQ(a.BucketUrl({{"location", ""}}), "https://blocks.s3.amazonaws.com/?location=");
  S3Addressing regional = a.WithHost("s3.dualstack.eu-west-1.amazonaws.com");
  EXPECT_EQ(regional.ObjectUrl("x"), "https://blocks.s3.dualstack.eu-west-1.amazonaws.com/x");
}

TEST(S3Addressing, RejectsBadEndpoints) {
  for (std::string endpoint : {"", "http://s3.example.com", "s3.example.com/bucket",
                               "s3.example.com:", "s3.example.com:x9", ":9000"}) {
    SCOPED_TRACE(endpoint);
    EXPECT_THAT(S3Addressing::Create(endpoint, "b", true, BucketLookup::kAuto),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(CanonicalQuery, SortsByEncodedKeyAndKeepsEmptyValues) {
  EXPECT_EQ(CanonicalQuery({}), "");
  EXPECT_EQ(CanonicalQuery({{"marker", "01AAA/index"}, {"encoding-type", "url"}, {"acl", ""}}),
            "acl=&encoding-type=url&marker=01AAA%2Findex");
  EXPECT_EQ(CanonicalQuery({{"continuation-token", "1/a+b=="}}),
            "continuation-token=1%2Fa%2Bb%3D%3D");
}

}  // namespace
}  // namespace charon::objstore::s3
