#include "base/memory_releaser.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "absl/time/clock.h"
#include "base/tcmalloc.h"

namespace charon::base {
namespace {

TEST(MemoryReleaser, FreedPagesGoBackToTheOs) {
  {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 64; ++i) {
      blocks.emplace_back(new char[2 << 20]);
      blocks.back()[0] = static_cast<char>(i);  // touch it
    }
  }
  // This test binary links tcmalloc (except in sanitizer builds, which bring their own allocator).
  if (!TcmallocLinked()) GTEST_SKIP() << "built without tcmalloc";
  EXPECT_GT(TcmallocFreeBytes(), size_t{64} << 20);
  {
    MemoryReleaser releaser(absl::Milliseconds(10), 1 << 20);
    for (int i = 0; i < 500 && TcmallocFreeBytes() > (size_t{1} << 20); ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  EXPECT_LE(TcmallocFreeBytes(), size_t{8} << 20);
}

}  // namespace
}  // namespace charon::base
