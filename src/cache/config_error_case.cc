#include "cache/config_error_case.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace charon::cache {

void ExpectConfigErrors(const std::function<absl::Status(const std::string& yaml)>& status_of,
                        const std::vector<ConfigErrorCase>& cases, const std::string& source) {
  for (const ConfigErrorCase& c : cases) {
    SCOPED_TRACE(c.yaml);
    absl::Status s = status_of(c.yaml);
    EXPECT_THAT(s, ::charon::testing::StatusIs(c.code, c.substr));
    if (!source.empty()) {
      EXPECT_THAT(s, ::charon::testing::StatusIs(c.code, source));
    }
  }
}

}  // namespace charon::cache
