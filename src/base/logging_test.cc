#include "base/logging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/status_matchers.h"

namespace charon::base {
namespace {

using ::charon::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

const absl::Time kTs = absl::FromUnixMillis(1767366245123);  // 2026-01-02T15:04:05.123Z

TEST(FormatLogRecord, LogfmtMatchesThanosLayout) {
  std::string line = FormatLogRecord({}, LogLevel::kInfo, kTs, "store.cc:12", "loaded new block",
                                     {{"id", "01HX"}, {"series", 42}, {"lazy", false}});
  EXPECT_EQ(line,
            "level=info ts=2026-01-02T15:04:05.123Z caller=store.cc:12 msg=\"loaded new block\" "
            "id=01HX series=42 lazy=false");
}

TEST(FormatLogRecord, LogfmtQuotesAndEscapes) {
  struct Case {
    std::string value;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"plain", "k=plain"},
      {"", "k="},
      {"two words", "k=\"two words\""},
      {"a=b", "k=\"a=b\""},
      {"say \"hi\"", "k=\"say \\\"hi\\\"\""},
      {"line\nbreak", "k=\"line\\nbreak\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    std::string line = FormatLogRecord({}, LogLevel::kWarn, kTs, "a.cc:1", "m", {{"k", c.value}});
    EXPECT_THAT(line, ::testing::EndsWith(" " + c.want));
  }
}

TEST(FormatLogRecord, StatusFieldIsNullWhenOk) {
  std::string ok =
      FormatLogRecord({}, LogLevel::kError, kTs, "a.cc:1", "m", {{"err", absl::OkStatus()}});
  EXPECT_THAT(ok, ::testing::EndsWith(" err=null"));
  std::string bad = FormatLogRecord({}, LogLevel::kError, kTs, "a.cc:1", "m",
                                    {{"err", absl::NotFoundError("no meta.json")}});
  EXPECT_THAT(bad, ::testing::EndsWith(" err=\"NOT_FOUND: no meta.json\""));
}

TEST(FormatLogRecord, JsonKeepsTypes) {
  LogOptions options;
  options.format = LogFormat::kJson;
  std::string line =
      FormatLogRecord(options, LogLevel::kDebug, kTs, "a.cc:7", "say \"x\"",
                      {{"n", 3}, {"ok", true}, {"err", absl::OkStatus()}, {"s", "v"}});
  EXPECT_EQ(line,
            "{\"level\":\"debug\",\"ts\":\"2026-01-02T15:04:05.123Z\",\"caller\":\"a.cc:7\","
            "\"msg\":\"say \\\"x\\\"\",\"n\":3,\"ok\":true,\"err\":null,\"s\":\"v\"}");
}

TEST(FormatLogRecord, NameAddsField) {
  LogOptions options;
  options.name = "store-0";
  std::string line = FormatLogRecord(options, LogLevel::kInfo, kTs, "a.cc:1", "m", {});
  EXPECT_THAT(line, HasSubstr(" name=store-0 msg=m"));
}

TEST(FormatLogRecord, DurationAndTimeFields) {
  std::string line = FormatLogRecord({}, LogLevel::kInfo, kTs, "a.cc:1", "m",
                                     {{"elapsed", absl::Milliseconds(1500)}, {"at", kTs}});
  EXPECT_THAT(line, ::testing::EndsWith(" elapsed=1.5s at=2026-01-02T15:04:05.123Z"));
}

TEST(ParseLogLevel, AcceptsThanosNames) {
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(*ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_THAT(ParseLogLevel("trace"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseLogFormat, AcceptsJournald) {
  EXPECT_EQ(*ParseLogFormat("logfmt"), LogFormat::kLogfmt);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*ParseLogFormat("journald"), LogFormat::kJournald);
  EXPECT_THAT(ParseLogFormat("text"), StatusIs(absl::StatusCode::kInvalidArgument));
}

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { InitLogging({}); }
  std::ostringstream out_;
};

TEST_F(LogTest, FiltersByLevelAndRecordsCaller) {
  InitLogging({.level = LogLevel::kWarn, .format = LogFormat::kLogfmt, .name = ""}, &out_);
  LogInfo("hidden");
  LogWarn("shown", {{"k", "v"}});
  LogError("also shown");
  EXPECT_THAT(out_.str(), Not(HasSubstr("hidden")));
  EXPECT_THAT(out_.str(), MatchesRegex("level=warn ts=[0-9T:.Z-]+ caller=logging_test.cc:[0-9]+ "
                                       "msg=shown k=v\nlevel=error .* msg=\"also shown\"\n"));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
}

TEST_F(LogTest, JournaldPrintsLogfmt) {
  InitLogging({.level = LogLevel::kInfo, .format = LogFormat::kJournald, .name = ""}, &out_);
  LogInfo("m");
  EXPECT_THAT(out_.str(), ::testing::StartsWith("level=info ts="));
}

TEST_F(LogTest, ConcurrentWritersNeverInterleave) {
  InitLogging({.level = LogLevel::kInfo, .format = LogFormat::kJson, .name = ""}, &out_);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kPerThread; ++i) LogInfo("concurrent", {{"thread", t}, {"i", i}});
    });
  }
  for (std::thread& th : threads) th.join();
  std::istringstream lines(out_.str());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    ASSERT_THAT(line,
                MatchesRegex("\\{\"level\":\"info\",.*\"msg\":\"concurrent\",\"thread\":[0-9]+,"
                             "\"i\":[0-9]+\\}"));
  }
  EXPECT_EQ(n, kThreads * kPerThread);
}

}  // namespace
}  // namespace charon::base
