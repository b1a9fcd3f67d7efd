#include "cmd/charon/data_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::cmd {
namespace {

using ::charon::testing::StatusIs;
using ::charon::testing::TempDir;
using ::charon::testing::WriteFile;

TEST(CheckDataDirWritable, CreatesAMissingDirectory) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("datadir"));
  ASSERT_OK(CheckDataDirWritable(dir.Path("a/b/data")));
  EXPECT_TRUE(std::filesystem::is_directory(dir.Path("a/b/data")));
  EXPECT_TRUE(std::filesystem::is_empty(dir.Path("a/b/data")));  // the probe is gone
}

TEST(CheckDataDirWritable, DirectoryUnderAFileIsAClearError) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("datadir"));
  ASSERT_OK(WriteFile(dir.Path("file"), "x"));
  absl::Status s = CheckDataDirWritable(dir.Path("file/data"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, dir.Path("file/data")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, "is not usable"));
  EXPECT_THAT(CheckDataDirWritable(dir.Path("file")),
              StatusIs(absl::StatusCode::kFailedPrecondition, "Not a directory"));
}

// Root ignores permission bits, so the unwritable case runs as `nobody` in a child process.
TEST(CheckDataDirWritable, DirectoryWithoutWritePermissionIsAClearError) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("datadir"));
  const std::string data = dir.Path("data");
  ASSERT_OK(CheckDataDirWritable(data));
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(data.c_str(), 0555), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::getuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    absl::Status s = CheckDataDirWritable(data);
    const bool clear = s.code() == absl::StatusCode::kFailedPrecondition &&
                       s.message().find(data) != std::string::npos &&
                       s.message().find("Permission denied") != std::string::npos;
    ::_exit(s.ok() ? 1 : clear ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: accepted, 2: unclear error, 3: could not drop root";
}

TEST(DataDirLock, SecondHolderIsRefusedWithTheFirstOnesPid) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("datadir"));
  {
    ASSERT_OK_AND_ASSIGN(auto first, DataDirLock::Acquire(dir.path()));
    // flock locks belong to open file descriptions, so a second open in this process conflicts
    // just as another process would.
    absl::StatusOr<std::unique_ptr<DataDirLock>> second = DataDirLock::Acquire(dir.path());
    EXPECT_THAT(second, StatusIs(absl::StatusCode::kFailedPrecondition, dir.path()));
    EXPECT_THAT(second, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 absl::StrCat("in use by another store (pid ", ::getpid(), ")")));
  }
  // Released with its holder.
  ASSERT_OK_AND_ASSIGN(auto again, DataDirLock::Acquire(dir.path()));
}

TEST(DataDirLock, LinkPlantedAsTheLockFileIsNotFollowed) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("datadir"));
  ASSERT_OK(WriteFile(dir.Path("outside"), "keep me"));
  ASSERT_OK(WriteFile(dir.Path("data/.keep"), ""));
  ASSERT_EQ(::symlink(dir.Path("outside").c_str(),
                      dir.Path(absl::StrCat("data/", DataDirLock::kFileName)).c_str()),
            0);
  EXPECT_THAT(DataDirLock::Acquire(dir.Path("data")), StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK_AND_ASSIGN(std::string outside, charon::testing::ReadFile(dir.Path("outside")));
  EXPECT_EQ(outside, "keep me");
}

}  // namespace
}  // namespace charon::cmd
