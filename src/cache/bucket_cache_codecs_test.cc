#include "cache/bucket_cache_codecs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace charon::cache {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(Codecs, AttributesRoundTripInGoFormat) {
  objstore::ObjectAttributes a;
  a.size = 1234;
  a.last_modified = absl::FromUnixNanos(1700000000123456789);
  std::string json = EncodeAttributes(a);
  EXPECT_EQ(json, R"({"size":1234,"last_modified":"2023-11-14T22:13:20.123456789Z"})");
  std::optional<objstore::ObjectAttributes> back = DecodeAttributes(json);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->size, 1234);
  EXPECT_EQ(back->last_modified, a.last_modified);
  // What Go writes for a time with an offset and for the zero time.
  back = DecodeAttributes(R"({"size":5,"last_modified":"2023-11-14T23:13:20+01:00"})");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->last_modified, absl::FromUnixSeconds(1700000000));
  back = DecodeAttributes(R"({"size":0,"last_modified":"0001-01-01T00:00:00Z"})");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->last_modified, absl::InfinitePast());
  EXPECT_EQ(DecodeAttributes("{"), std::nullopt);
  EXPECT_EQ(DecodeAttributes(R"({"size":"x"})"), std::nullopt);
  EXPECT_EQ(DecodeAttributes(R"({"size":-1})"), std::nullopt);
}

TEST(Codecs, BoolAcceptsGoSpellings) {
  EXPECT_EQ(EncodeBool(true), "true");
  EXPECT_EQ(EncodeBool(false), "false");
  EXPECT_THAT(DecodeBool("T"), Optional(true));
  EXPECT_THAT(DecodeBool("0"), Optional(false));
  EXPECT_EQ(DecodeBool("yes"), std::nullopt);
}

TEST(Codecs, NamesAsJsonArrayAndNullForEmpty) {
  EXPECT_EQ(EncodeNames({}), "null");
  EXPECT_EQ(EncodeNames({"a/", "b"}), R"(["a/","b"])");
  EXPECT_THAT(DecodeNames("null"), Optional(ElementsAre()));
  EXPECT_THAT(DecodeNames(R"(["a\u003cb","c"])"), Optional(ElementsAre("a<b", "c")));
  EXPECT_EQ(DecodeNames("[1]"), std::nullopt);
  EXPECT_EQ(DecodeNames("nope"), std::nullopt);
  EXPECT_EQ(EncodeNames({std::string("bad\xff")}), std::nullopt);
}

}  // namespace
}  // namespace charon::cache
