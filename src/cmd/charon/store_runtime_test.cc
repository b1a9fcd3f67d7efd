#include "cmd/charon/store_runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "base/logging.h"

namespace charon::cmd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(LogStoreRecord, KeepsEveryFieldInTheConfiguredFormatAndLevel) {
  std::ostringstream out;
  base::InitLogging({.level = base::LogLevel::kWarn, .format = base::LogFormat::kJson, .name = ""},
                    &out);
  LogStoreRecord("warn", "loading block failed",
                 {{"block", "01HAAAAAAAAAAAAAAAAAAAAAAA"},
                  {"err", "bad"},
                  {"elapsed", "2s"},
                  {"retry", "true"}});
  LogStoreRecord("info", "filtered by level", {{"k", "v"}});
  base::InitLogging({});
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("\"level\":\"warn\""));
  EXPECT_THAT(text, HasSubstr("\"msg\":\"loading block failed\""));
  EXPECT_THAT(text, HasSubstr("\"block\":\"01HAAAAAAAAAAAAAAAAAAAAAAA\""));
  EXPECT_THAT(text, HasSubstr("\"err\":\"bad\""));
  EXPECT_THAT(text, HasSubstr("\"elapsed\":\"2s\""));
  EXPECT_THAT(text, HasSubstr("\"retry\":\"true\""));
  EXPECT_THAT(text, Not(HasSubstr("filtered by level")));
}

}  // namespace
}  // namespace charon::cmd
