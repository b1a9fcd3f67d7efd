#include "store/limiter.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::store {
namespace {

using ::charon::testing::StatusIs;

TEST(Limiter, ZeroIsUnlimited) {
  Limiter l("series", 0);
  EXPECT_OK(l.Reserve(1'000'000'000));
}

TEST(Limiter, ExceedingGivesThanosError) {
  int violations = 0;
  Limiter l("series", 10, [&] { ++violations; });
  EXPECT_OK(l.Reserve(6));
  EXPECT_OK(l.Reserve(4));
  EXPECT_THAT(l.Reserve(1), StatusIs(absl::StatusCode::kResourceExhausted,
                                     "exceeded series limit: limit 10 violated (got 11)"));
  EXPECT_FALSE(l.Reserve(1).ok());
  EXPECT_EQ(violations, 1);
}

}  // namespace
}  // namespace charon::store
