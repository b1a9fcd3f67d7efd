// Unit tests of the test helpers that need no fixture generation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "testing/child_process.h"
#include "testing/free_port.h"
#include "testing/promtool_dump.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(ParsePromtoolDump, LinesToSeries) {
  std::string text =
      "{__name__=\"b\", x=\"1\"} 2 2000\n"
      "{__name__=\"a\", v=\"q\\\"} , z=\\\"w\"} NaN 1000\n"
      "{__name__=\"b\", x=\"1\"} 1e+21 1000\n"
      "{} -Inf -5\n"
      "{__name__=\"a\", v=\"q\\\"} , z=\\\"w\"} +Inf 3000\n";
  ASSERT_OK_AND_ASSIGN(SeriesSamples got, ParsePromtoolDump(text));
  ASSERT_EQ(got.size(), 3u);
  tsdb::Labels a = {{"__name__", "a"}, {"v", "q\"} , z=\"w"}};
  ASSERT_TRUE(got.contains(a));
  EXPECT_TRUE(std::isnan(got[a][0].v));
  EXPECT_EQ(got[a][1].t, 3000);
  tsdb::Labels b = {{"__name__", "b"}, {"x", "1"}};
  EXPECT_TRUE((got[b] == std::vector<Sample>{{1000, 1e21}, {2000, 2}}));
  EXPECT_EQ(got[tsdb::Labels{}][0].t, -5);
  EXPECT_EQ(CountSamples(got), 5);
}

TEST(ParsePromtoolDump, MalformedLinesAreInvalidArgument) {
  for (std::string bad : {"x", "{a=\"1\"", "{a=\"1\"} 1", "{a=\"1\"} x 1", "{a=\"1\"} 1 1.5",
                          "{a=1} 1 1", "{a=\"1\" b=\"2\"} 1 1"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParsePromtoolDump(bad), StatusIs(absl::StatusCode::kInvalidArgument, "line 1"));
  }
}

TEST(Sample, NaNsAreEqual) {
  EXPECT_EQ((Sample{1, std::nan("")}), (Sample{1, -std::nan("1")}));
  EXPECT_NE((Sample{1, std::nan("")}), (Sample{1, 0}));
  EXPECT_NE((Sample{1, 2}), (Sample{2, 2}));
}

TEST(TempDir, CreatedEmptyAndRemoved) {
  std::string path;
  {
    ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("t"));
    path = dir.path();
    EXPECT_TRUE(fs::is_directory(path));
    EXPECT_TRUE(fs::is_empty(path));
    ASSERT_OK(WriteFile(dir.Path("a/b/c.txt"), "hello"));
    ASSERT_OK_AND_ASSIGN(std::string got, ReadFile(dir.Path("a/b/c.txt")));
    EXPECT_EQ(got, "hello");
    EXPECT_THAT(ReadFile(dir.Path("missing")), StatusIs(absl::StatusCode::kNotFound));
    TempDir moved = std::move(dir);
    EXPECT_EQ(moved.path(), path);
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(RunCommand, CapturesOutputAndExitCode) {
  ASSERT_OK_AND_ASSIGN(CommandResult r,
                       RunCommand({"sh", "-c", "cat; echo out; echo err >&2; exit 3"}, "in\n"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.stdout_text, "in\nout\n");
  EXPECT_EQ(r.stderr_text, "err\n");
  ASSERT_OK_AND_ASSIGN(CommandResult big, RunCommand({"sh", "-c", "head -c 1000000 /dev/zero"}));
  EXPECT_EQ(big.stdout_text.size(), 1000000u);
  EXPECT_FALSE(RunCommand({"charon-no-such-binary"}).ok());
}

TEST(FreePort, IsLoopbackPort) {
  ASSERT_OK_AND_ASSIGN(int port, PickFreePort());
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
}

TEST(ChildProcess, WaitsForHttpAndStopsOnDestruction) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("child"));
  ASSERT_OK(WriteFile(dir.Path("prometheus.yml"), "global: {}\n"));
  ASSERT_OK_AND_ASSIGN(int port, PickFreePort());
  pid_t pid = 0;
  {
    ChildProcessOptions options;
    options.argv = {"prometheus", "--config.file=" + dir.Path("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.Path("data"),
                    absl::StrCat("--web.listen-address=127.0.0.1:", port)};
    options.log_path = dir.Path("prometheus.log");
    ASSERT_OK_AND_ASSIGN(auto child, ChildProcess::Start(options));
    pid = child->pid();
    ASSERT_OK(child->WaitForTcpPort(port, absl::Seconds(60)));
    ASSERT_OK(child->WaitForHttp(port, "/-/ready", absl::Seconds(60)));
    EXPECT_TRUE(child->Running());
    EXPECT_THAT(child->WaitForHttp(port, "/no-such-page", absl::Milliseconds(100)),
                StatusIs(absl::StatusCode::kDeadlineExceeded, "404"));
  }
  EXPECT_NE(kill(pid, 0), 0);
}

TEST(ChildProcess, EarlyExitIsReportedWithLog) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("child"));
  ChildProcessOptions options;
  options.argv = {"sh", "-c", "echo boom >&2; exit 7"};
  options.log_path = dir.Path("log");
  ASSERT_OK_AND_ASSIGN(auto child, ChildProcess::Start(options));
  absl::Status s = child->WaitForTcpPort(1, absl::Seconds(20));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, "boom"));
  EXPECT_EQ(child->Stop(), 7);
}

TEST(ChildProcess, MissingBinaryFailsToStartOrExits127) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("child"));
  ChildProcessOptions options;
  options.argv = {"charon-no-such-binary"};
  options.log_path = dir.Path("log");
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(options);
  if (child.ok()) {
    EXPECT_EQ((*child)->Stop(), 127);
  }
}

}  // namespace
}  // namespace charon::testing
