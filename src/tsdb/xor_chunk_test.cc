#include "tsdb/xor_chunk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "testing/status_matchers.h"
#include "tsdb/test_hex.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::charon::tsdb::testing::FromHex;
using ::charon::tsdb::testing::ToHex;

struct S {
  int64_t t;
  uint64_t bits;
  bool operator==(const S&) const = default;
};

std::vector<S> Decode(std::string_view data, absl::Status* status = nullptr) {
  XorIterator it(data);
  std::vector<S> out;
  while (it.Next()) out.push_back({it.t(), it.v_bits()});
  if (status != nullptr) *status = it.status();
  return out;
}

std::string Encode(const std::vector<S>& samples) {
  XorEncoder enc;
  for (const S& s : samples) EXPECT_TRUE(enc.Append(s.t, std::bit_cast<double>(s.bits)));
  return enc.bytes();
}

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

TEST(XorChunk, WorkedExample) {
  const std::vector<S> samples = {
      {1000, Bits(1.0)}, {16000, Bits(1.0)}, {31000, Bits(2.0)}, {46005, Bits(2.0)}};
  const std::string hex = "0004d00f3ff000000000000098753097ffe00140";
  EXPECT_EQ(ToHex(Encode(samples)), hex);
  absl::Status s;
  EXPECT_EQ(Decode(FromHex(hex), &s), samples);
  EXPECT_OK(s);
}

TEST(XorChunk, RealPrometheusChunk) {
  // Written by Prometheus (remote-read handler tests): one sample, t0 = 7200000, v0 = 12000.
  const std::string hex =
      "0001"
      "80f4ee06"
      "40c7700000000000";
  ASSERT_OK_AND_ASSIGN(std::vector<XorSample> got, DecodeXorChunk(FromHex(hex)));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].t, 7200000);
  EXPECT_EQ(got[0].v, 12000.0);
  EXPECT_EQ(ToHex(Encode({{7200000, Bits(12000.0)}})), hex);
}

TEST(XorChunk, ScrapeLikeChunkOf120Samples) {
  // 60 s spacing, +100 per step, as the 120-sample chunks of the same test file.
  std::vector<S> samples;
  for (int i = 0; i < 120; ++i) samples.push_back({7200000 + i * 60000, Bits(12000.0 + 100 * i)});
  std::string data = Encode(samples);
  EXPECT_EQ(data.substr(0, 2), FromHex("0078"));
  EXPECT_EQ(Decode(data), samples);
}

TEST(XorChunk, DeltaOfDeltaBucketEdges) {
  // Each dod sits on a bucket edge; +2^(n-1) is the n-bit pattern 100..0, which a
  // sign-extending decoder would read as -2^(n-1).
  constexpr int64_t kBig = int64_t{1} << 40;
  const int64_t dods[] = {0,      1,     -1,     8191,   8192,    -8191,  -8192,   8193, 65536,
                          -65535, 65537, -65536, 524288, -524287, 524289, -524288, kBig, -kBig};
  for (int64_t dod : dods) {
    SCOPED_TRACE(dod);
    std::vector<S> samples = {{0, Bits(1)},
                              {1000000000, Bits(1)},
                              {2000000000 + dod, Bits(1)},
                              {3000000000 + 3 * dod, Bits(1)}};
    EXPECT_EQ(Decode(Encode(samples)), samples);
  }
  // Hand-made bits for dod = +8192: '10' + 10000000000000, value '0'.
  // t0 = 0, v0 = 1.0, delta 1 = 1.
  std::string b = FromHex("0003 00 3ff0000000000000 01");
  // bits: '0' (v1 same) | '10' '10000000000000' (dod +8192) | '0' (v2 same) -> 19 bits.
  // 0101 0000 0000 0000 000 -> 50 00 00
  b += FromHex("500000");
  absl::Status s;
  std::vector<S> got = Decode(b, &s);
  ASSERT_OK(s);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].t, 1);
  EXPECT_EQ(got[2].t, 1 + 1 + 8192);
}

TEST(XorChunk, SpecialValuesCompareByBits) {
  const uint64_t stale = 0x7ff0000000000002;
  std::vector<S> samples = {
      {1, Bits(0.0)},
      {2, Bits(-0.0)},
      {3, stale},
      {4, Bits(std::numeric_limits<double>::quiet_NaN())},
      {5, Bits(std::numeric_limits<double>::infinity())},
      {6, Bits(-std::numeric_limits<double>::infinity())},
      {7, Bits(std::numeric_limits<double>::denorm_min())},
      {8, 0xFFFFFFFFFFFFFFFF},
      {9, 1},
      {10, 0x8000000000000001},  // leading = trailing = 0: 64 significant bits, written as 0
      {-5, Bits(1e300)},         // time going backwards still round-trips
  };
  EXPECT_EQ(Decode(Encode(samples)), samples);
}

TEST(XorChunk, RandomRoundTrips) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<S> samples;
    int64_t t = static_cast<int64_t>(rng() % 2000000000000) - 1000000000000;
    double v = 0;
    int n = 1 + static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      switch (rng() % 4) {
        case 0:
          t += 15000;
          break;
        case 1:
          t += static_cast<int64_t>(rng() % 100000);
          break;
        case 2:
          t += static_cast<int64_t>(rng() % (int64_t{1} << 40));
          break;
        default:
          t += 1;
          break;
      }
      switch (rng() % 4) {
        case 0:
          break;
        case 1:
          v += 1;
          break;
        case 2:
          v = static_cast<double>(rng() % 1000) / 7;
          break;
        default:
          v = std::bit_cast<double>(rng());
          break;
      }
      samples.push_back({t, Bits(v)});
    }
    ASSERT_EQ(Decode(Encode(samples)), samples) << "round " << round;
  }
}

TEST(XorChunk, ExtraTrailingZeroByteOfOldWriters) {
  std::string data = FromHex("0004d00f3ff000000000000098753097ffe00140") + std::string(1, '\0');
  absl::Status s;
  EXPECT_EQ(Decode(data, &s).size(), 4u);
  EXPECT_OK(s);
}

TEST(XorChunk, EmptyChunk) {
  XorEncoder enc;
  EXPECT_EQ(enc.bytes(), std::string(2, '\0'));
  absl::Status s;
  EXPECT_TRUE(Decode(enc.bytes(), &s).empty());
  EXPECT_OK(s);
}

TEST(XorChunk, TruncationIsDataLoss) {
  std::string data = FromHex("0004d00f3ff000000000000098753097ffe00140");
  for (size_t n = 0; n < data.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_THAT(DecodeXorChunk(std::string_view(data).substr(0, n)),
                StatusIs(absl::StatusCode::kDataLoss));
  }
  // More samples claimed than present.
  data[1] = 9;
  EXPECT_THAT(DecodeXorChunk(data), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(XorChunk, ImpossibleValueWindowIsDataLoss) {
  // t0 = 0, v0 = 0, delta 1 = 1, then value '11' + leading 31 + significant 56.
  std::string data = FromHex("0002 00 0000000000000000 02");
  data += FromHex("ff c0 00 00 00 00 00 00 00 00 00");
  EXPECT_THAT(DecodeXorChunk(data), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(XorChunk, RandomBytesNeverCrash) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string data(rng() % 40, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    absl::Status s;
    Decode(data, &s);
    EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kDataLoss) << s;
  }
}

TEST(XorEncoder, StopsAtMaxSamples) {
  XorEncoder enc;
  for (int i = 0; i < 0xFFFF; ++i) ASSERT_TRUE(enc.Append(i, 1.0));
  EXPECT_FALSE(enc.Append(0x10000, 1.0));
  EXPECT_EQ(enc.NumSamples(), 0xFFFF);
  XorIterator it(enc.bytes());
  int n = 0;
  while (it.Next()) ++n;
  EXPECT_EQ(n, 0xFFFF);
}

}  // namespace
}  // namespace charon::tsdb
