#include "base/atomic_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::base {
namespace {

using ::charon::testing::ReadFile;
using ::charon::testing::TempDir;
using ::charon::testing::WriteFile;
using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST(AtomicFile, PlantedLinkAtTheOldTemporaryNameIsNotWrittenThrough) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("atomic"));
  ASSERT_OK(WriteFile(dir.Path("outside/precious"), "keep me"));
  ASSERT_OK(WriteFile(dir.Path("data/block/.keep"), ""));
  const std::string path = dir.Path("data/block/index-header");
  ASSERT_EQ(::symlink(dir.Path("outside/precious").c_str(), (path + ".tmp").c_str()), 0);

  ASSERT_OK_AND_ASSIGN(auto f, AtomicFile::Create(path));
  ASSERT_OK(f->Append("header bytes"));
  ASSERT_OK(f->Commit());

  ASSERT_OK_AND_ASSIGN(std::string precious, ReadFile(dir.Path("outside/precious")));
  EXPECT_EQ(precious, "keep me");
  ASSERT_OK_AND_ASSIGN(std::string header, ReadFile(path));
  EXPECT_EQ(header, "header bytes");
  EXPECT_FALSE(std::filesystem::is_symlink(path));
}

TEST(AtomicFile, WritersOfOnePathHaveTemporariesOfTheirOwn) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("atomic"));
  const std::string path = dir.Path("index-header");
  ASSERT_OK_AND_ASSIGN(auto a, AtomicFile::Create(path));
  ASSERT_OK_AND_ASSIGN(auto b, AtomicFile::Create(path));
  EXPECT_THAT(AtomicFile::Temporaries(path), SizeIs(2));
  ASSERT_OK(a->Append("first writer, longer bytes"));
  ASSERT_OK(b->Append("second"));
  ASSERT_OK(a->Commit());
  ASSERT_OK_AND_ASSIGN(std::string got, ReadFile(path));
  EXPECT_EQ(got, "first writer, longer bytes");
  ASSERT_OK(b->Commit());
  ASSERT_OK_AND_ASSIGN(got, ReadFile(path));
  EXPECT_EQ(got, "second");  // whole files replace each other, never interleave
  EXPECT_THAT(AtomicFile::Temporaries(path), IsEmpty());
}

TEST(AtomicFile, UncommittedFileLeavesNothing) {
  ASSERT_OK_AND_ASSIGN(TempDir dir, TempDir::Create("atomic"));
  const std::string path = dir.Path("index-header");
  {
    ASSERT_OK_AND_ASSIGN(auto f, AtomicFile::Create(path));
    ASSERT_OK(f->Append("partial"));
  }
  EXPECT_THAT(AtomicFile::Temporaries(path), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace charon::base
