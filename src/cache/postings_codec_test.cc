#include "cache/postings_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <snappy.h>

#include <random>

#include "testing/status_matchers.h"

namespace charon::cache {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;

std::vector<uint64_t> MustDecode(std::string_view value) {
  absl::StatusOr<std::vector<uint64_t>> refs = DecodePostings(value);
  EXPECT_TRUE(refs.ok()) << refs.status();
  return refs.ok() ? *refs : std::vector<uint64_t>{};
}

TEST(PostingsCodec, EncodesAsThanosStreamedSnappy) {
  // Three refs 1, 2, 3: deltas 01 01 01, too short for snappy to shrink, so one uncompressed
  // chunk with the masked CRC-32C of its data (computed independently).
  std::string want("dss\xff\x06\x00\x00sNaPpY\x01\x07\x00\x00\xb0\x34\x63\xf7\x01\x01\x01", 24);
  EXPECT_EQ(EncodePostings(std::vector<uint64_t>{1, 2, 3}), want);
  EXPECT_THAT(MustDecode(want), (ElementsAre(1, 2, 3)));
}

TEST(PostingsCodec, RoundTripsLongListsOverSeveralChunks) {
  std::mt19937_64 rng(7);
  std::vector<uint64_t> refs;
  uint64_t v = 0;
  // ~200k refs: the delta stream spans several 64 KiB chunks, varints straddle their edges.
  for (int i = 0; i < 200000; ++i) refs.push_back(v += 1 + rng() % 300);
  std::string encoded = EncodePostings(refs);
  EXPECT_LT(encoded.size(), refs.size() * 2);
  EXPECT_THAT(MustDecode(encoded), (refs));
  EXPECT_THAT(MustDecode(EncodePostings({})), (ElementsAre()));
  // Refs starting at 0 (the first delta is from 0).
  EXPECT_THAT(MustDecode(EncodePostings(std::vector<uint64_t>{0, 16, 32})),
              (ElementsAre(0, 16, 32)));
}

TEST(PostingsCodec, DecodesTheOlderSnappyBlockCodec) {
  std::string raw("\x05\x80\x01\x01", 4);  // deltas 5, 128, 1
  std::string block;
  snappy::Compress(raw.data(), raw.size(), &block);
  EXPECT_THAT(MustDecode("dvs" + block), (ElementsAre(5, 133, 134)));
}

TEST(PostingsCodec, CorruptValuesAreDataLoss) {
  std::string good = EncodePostings(std::vector<uint64_t>{1, 2, 3});
  std::string bad_crc = good;
  bad_crc[14] ^= 1;
  std::string bad_data = good;
  bad_data.back() = '\x80';  // a varint that never ends
  const std::string cases[] = {
      "",
      "xyz",
      "dss",
      "dssgarbage",
      bad_crc,
      good.substr(0, good.size() - 1),
      "dvs\xff\xff\xff",
      std::string("\x00\x00\x00\x01", 4),
  };
  for (const std::string& c : cases) {
    EXPECT_THAT(DecodePostings(c), StatusIs(absl::StatusCode::kDataLoss)) << c;
  }
  EXPECT_THAT(DecodePostings(bad_data), StatusIs(absl::StatusCode::kDataLoss, "checksum"));
  // Not ascending (a zero delta after the first ref).
  std::string dup("\x01\x00", 2), block;
  snappy::Compress(dup.data(), dup.size(), &block);
  EXPECT_THAT(DecodePostings("dvs" + block), StatusIs(absl::StatusCode::kDataLoss, "ascending"));
}

}  // namespace
}  // namespace charon::cache
