#include "cache/memcached_servers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "testing/status_matchers.h"

namespace charon::cache {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::testing::ElementsAre;

TEST(JumpHash, MatchesTheReferenceValues) {
  // The test vectors of Go's github.com/dgryski/go-jump, which Thanos uses.
  EXPECT_EQ(JumpHash(1, 1), 0);
  EXPECT_EQ(JumpHash(42, 57), 43);
  EXPECT_EQ(JumpHash(0xDEAD10CC, 1), 0);
  EXPECT_EQ(JumpHash(0xDEAD10CC, 666), 361);
  EXPECT_EQ(JumpHash(256, 1024), 520);
}

TEST(JumpHash, MovesFewKeysWhenAServerIsAdded) {
  int moved = 0;
  for (uint64_t k = 0; k < 10000; ++k) {
    int a = JumpHash(k * 0x9e3779b97f4a7c15ULL, 10), b = JumpHash(k * 0x9e3779b97f4a7c15ULL, 11);
    if (a != b) {
      ++moved;
      EXPECT_EQ(b, 10);  // keys only ever move to the new server
    }
  }
  EXPECT_GT(moved, 500);
  EXPECT_LT(moved, 1500);
}

TEST(NaturalLess, OrdersNumbersByValue) {
  std::vector<std::string> v = {"10.0.0.10:11211", "10.0.0.9:11211", "10.0.0.2:11211",
                                "memcached-10:1", "memcached-2:1"};
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return NaturalLess(a, b); });
  EXPECT_THAT(v, ElementsAre("10.0.0.2:11211", "10.0.0.9:11211", "10.0.0.10:11211", "memcached-2:1",
                             "memcached-10:1"));
}

TEST(CheckAddresses, PrefixesAndPorts) {
  EXPECT_THAT(CheckAddresses({"localhost:11211", "dns+memcached:11211", "[::1]:1"}), IsOk());
  EXPECT_THAT(CheckAddresses({"dnssrv+_memcache._tcp.x"}),
              StatusIs(absl::StatusCode::kUnimplemented, "dnssrv+"));
  EXPECT_THAT(CheckAddresses({"dnssrvnoa+_memcache._tcp.x"}),
              StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(CheckAddresses({"localhost"}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckAddresses({"localhost:0"}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ResolveAddresses, DnsPrefixResolvesAndSorts) {
  absl::Status err;
  std::vector<std::string> got =
      ResolveAddresses({"127.0.0.1:2", "dns+localhost:11211", "127.0.0.1:10"}, &err);
  EXPECT_THAT(err, IsOk());
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], "127.0.0.1:2");
  EXPECT_EQ(got[1], "127.0.0.1:10");
  EXPECT_TRUE(std::find(got.begin(), got.end(), "127.0.0.1:11211") != got.end() ||
              std::find(got.begin(), got.end(), "[::1]:11211") != got.end());
  got = ResolveAddresses({"dns+no-such-host.invalid:1"}, &err);
  EXPECT_TRUE(got.empty());
  EXPECT_THAT(err, StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace charon::cache
