// gMock matchers for absl::Status / StatusOr (Debian's Abseil ships none).
//   EXPECT_THAT(s, IsOk());  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDataLoss));
//   ASSERT_OK_AND_ASSIGN(auto v, F());
#ifndef CHARON_TESTING_STATUS_MATCHERS_H_
#define CHARON_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/status_macros.h"

namespace charon::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = ::charon::testing::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& s = ::charon::testing::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, substr, "has status code and message") {
  const absl::Status& s = ::charon::testing::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code && s.message().find(substr) != std::string_view::npos;
}

}  // namespace charon::testing

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::charon::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::charon::testing::IsOk())
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(CHARON_CONCAT_(charon_test_statusor_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  ASSERT_TRUE(statusor.ok()) << statusor.status();       \
  lhs = std::move(statusor).value()

#endif  // CHARON_TESTING_STATUS_MATCHERS_H_
