#include "server/http/process_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::server::http {
namespace {

using ::charon::testing::StatusIs;
using ::charon::testing::TempDir;
using ::charon::testing::WriteFile;

// A /proc/<pid>/stat whose command holds a space and a parenthesis, as "(my (app))" may.
constexpr char kStat[] =
    "4242 (my (app)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 150 0 0 20 0 9 0 5000 "
    "123456789 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
constexpr char kSystemStat[] = "cpu  1 2 3 4\nintr 5\nbtime 1700000000\nprocesses 9\n";
constexpr char kLimits[] =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max address space         unlimited            unlimited            bytes     \n"
    "Max open files            4096                 524288               files     \n";

TEST(ReadProcessStats, ParsesProcfsAsTheGoClientDoes) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("proc"));
  ASSERT_OK(WriteFile(dir.Path("self/stat"), kStat));
  ASSERT_OK(WriteFile(dir.Path("self/limits"), kLimits));
  ASSERT_OK(WriteFile(dir.Path("self/fd/0"), ""));
  ASSERT_OK(WriteFile(dir.Path("self/fd/1"), ""));
  ASSERT_OK(WriteFile(dir.Path("self/fd/7"), ""));
  ASSERT_OK(WriteFile(dir.Path("stat"), kSystemStat));

  ASSERT_OK_AND_ASSIGN(ProcessStats s, ReadProcessStats(dir.Path("self"), dir.Path("stat")));
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  EXPECT_DOUBLE_EQ(s.cpu_seconds, 400 / ticks);
  EXPECT_DOUBLE_EQ(s.virtual_bytes, 123456789);
  EXPECT_DOUBLE_EQ(s.resident_bytes, 300.0 * ::sysconf(_SC_PAGESIZE));
  EXPECT_DOUBLE_EQ(s.start_time_seconds, 1700000000 + 5000 / ticks);
  EXPECT_EQ(s.open_fds, 3);
  EXPECT_EQ(s.max_fds, 4096);
  EXPECT_EQ(s.virtual_max_bytes, -1);
}

TEST(ReadProcessStats, BrokenFilesAreErrorsNotZeros) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("proc"));
  EXPECT_THAT(ReadProcessStats(dir.Path("self"), dir.Path("stat")),
              StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK(WriteFile(dir.Path("self/stat"), "4242 (app) S 1 2 3\n"));
  ASSERT_OK(WriteFile(dir.Path("stat"), kSystemStat));
  EXPECT_THAT(ReadProcessStats(dir.Path("self"), dir.Path("stat")),
              StatusIs(absl::StatusCode::kDataLoss));
  ASSERT_OK(WriteFile(dir.Path("self/stat"), kStat));
  ASSERT_OK(WriteFile(dir.Path("stat"), "cpu 1 2 3\n"));
  EXPECT_THAT(ReadProcessStats(dir.Path("self"), dir.Path("stat")),
              StatusIs(absl::StatusCode::kDataLoss));
  // Without limits and fd directory the rest is still read; those two are left out.
  ASSERT_OK(WriteFile(dir.Path("stat"), kSystemStat));
  ASSERT_OK_AND_ASSIGN(ProcessStats s, ReadProcessStats(dir.Path("self"), dir.Path("stat")));
  EXPECT_FALSE(s.max_fds.has_value());
  EXPECT_FALSE(s.open_fds.has_value());
}

TEST(ProcessCollector, LeavesOutWhatItCannotRead) {
  ProcessCollector missing("/nonexistent/proc/self");
  EXPECT_TRUE(missing.Collect().empty());
  ProcessCollector self;
  std::vector<prometheus::MetricFamily> families = self.Collect();
  ASSERT_GE(families.size(), 6u);
  EXPECT_EQ(families[0].name, "process_cpu_seconds_total");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Counter);
}

}  // namespace
}  // namespace charon::server::http
