#include "block/meta_disk_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "base/atomic_file.h"
#include "block/block_test_util.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::charon::testing::StatusIs;

TEST(MetaDiskCache, WriteThenReadRoundTrips) {
  charon::testing::TempDir dir = testutil::NewTempDir();
  MetaDiskCache cache(dir.Path("meta-syncer"));
  base::Ulid id = base::Ulid::FromTime(1'000'000, 1);
  EXPECT_THAT(cache.Read(id), StatusIs(absl::StatusCode::kNotFound));
  auto meta = testutil::Meta({.id = id, .min_time = 5, .max_time = 10});
  ASSERT_OK(cache.Write(id, *meta));
  EXPECT_TRUE(testutil::FileExists(dir.Path("meta-syncer/" + id.ToString() + "/meta.json")));
  EXPECT_THAT(
      base::AtomicFile::Temporaries(dir.Path("meta-syncer/" + id.ToString() + "/meta.json")),
      ::testing::IsEmpty());
  ASSERT_OK_AND_ASSIGN(tsdb::BlockMeta got, cache.Read(id));
  EXPECT_EQ(got.ulid, id);
  EXPECT_EQ(got.min_time, 5);
  EXPECT_EQ(got.raw_json, meta->raw_json);
}

// The copy is written through a temporary file of its own: a file or link someone left at a
// predictable name is never written through.
TEST(MetaDiskCache, WriteNeverFollowsAFileLeftAtATemporaryName) {
  charon::testing::TempDir dir = testutil::NewTempDir();
  MetaDiskCache cache(dir.Path("meta-syncer"));
  base::Ulid id = base::Ulid::FromTime(1'000'000, 2);
  const std::string block_dir = dir.Path("meta-syncer/" + id.ToString());
  std::filesystem::create_directories(block_dir);
  {
    std::ofstream precious(dir.Path("precious"));
    precious << "keep";
  }
  std::filesystem::create_symlink(dir.Path("precious"), block_dir + "/meta.json.tmp");
  auto meta = testutil::Meta({.id = id, .min_time = 5, .max_time = 10});
  ASSERT_OK(cache.Write(id, *meta));
  std::ifstream in(dir.Path("precious"));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep");
  ASSERT_OK_AND_ASSIGN(tsdb::BlockMeta got, cache.Read(id));
  EXPECT_EQ(got.raw_json, meta->raw_json);
}

TEST(MetaDiskCache, UnusableCopiesAreDataLoss) {
  charon::testing::TempDir dir = testutil::NewTempDir();
  MetaDiskCache cache(dir.Path("meta-syncer"));
  base::Ulid id = base::Ulid::FromTime(1'000'000, 2);
  const std::string path = dir.Path("meta-syncer/" + id.ToString() + "/meta.json");
  struct Case {
    const char* name;
    std::string json;
  };
  const Case cases[] = {
      {"truncated", testutil::MetaJson({.id = id}).substr(0, 20)},
      {"version 2", testutil::MetaJson({.id = id, .version = 2})},
      {"thanos version 2", R"({"ulid":")" + id.ToString() +
                               R"(","minTime":0,"maxTime":1,"version":1,"thanos":{"version":2}})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testutil::MustWriteFile(path, c.json);
    EXPECT_THAT(cache.Read(id), StatusIs(absl::StatusCode::kDataLoss));
  }
  ASSERT_OK(cache.Remove(id));
  EXPECT_FALSE(testutil::FileExists(path));
  ASSERT_OK(cache.Remove(id));
}

TEST(MetaDiskCache, RemoveAllExceptKeepsListedAndForeignEntries) {
  charon::testing::TempDir dir = testutil::NewTempDir();
  MetaDiskCache cache(dir.Path("meta-syncer"));
  ASSERT_OK(cache.RemoveAllExcept({}));  // no directory yet
  base::Ulid keep = base::Ulid::FromTime(1'000'000, 3);
  base::Ulid gone = base::Ulid::FromTime(1'000'000, 4);
  ASSERT_OK(cache.Write(keep, *testutil::Meta({.id = keep})));
  ASSERT_OK(cache.Write(gone, *testutil::Meta({.id = gone})));
  testutil::MustWriteFile(dir.Path("meta-syncer/not-a-block/x"), "x");
  ASSERT_OK(cache.RemoveAllExcept({keep}));
  EXPECT_TRUE(testutil::FileExists(dir.Path("meta-syncer/" + keep.ToString())));
  EXPECT_FALSE(testutil::FileExists(dir.Path("meta-syncer/" + gone.ToString())));
  EXPECT_TRUE(testutil::FileExists(dir.Path("meta-syncer/not-a-block/x")));
}

}  // namespace
}  // namespace charon::block
