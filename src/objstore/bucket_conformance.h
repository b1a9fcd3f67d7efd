// The one conformance suite every Bucket implementation must pass (filesystem, prefixed, S3,
// Azure, GCS, caching...): listing order, recursion, directories with and without '/', missing
// objects, ranges past the end, empty and large objects, name checks, concurrent readers.
//
// Usage, in exactly one .cc of a test binary (the TEST_Ps below are defined in this header):
//   INSTANTIATE_TEST_SUITE_P(Filesystem, BucketConformanceTest,
//                            ::testing::Values(BucketConformanceParam{"Filesystem", MakeFs}),
//                            BucketConformanceParamName);
// where MakeFs(objects, scratch_dir) returns a bucket holding exactly `objects`. `scratch_dir` is a
// fresh empty directory per test that outlives the bucket; remote implementations may ignore it.
#ifndef CHARON_OBJSTORE_BUCKET_CONFORMANCE_H_
#define CHARON_OBJSTORE_BUCKET_CONFORMANCE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "objstore/bucket.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore {

using ObjectMap = std::map<std::string, std::string>;

struct BucketConformanceParam {
  std::string name;  // letters, digits and '_' only: it becomes part of the test names
  std::function<absl::StatusOr<std::unique_ptr<Bucket>>(const ObjectMap& objects,
                                                        const std::string& scratch_dir)>
      make;
};

inline void PrintTo(const BucketConformanceParam& p, std::ostream* os) { *os << p.name; }
inline std::string BucketConformanceParamName(
    const ::testing::TestParamInfo<BucketConformanceParam>& info) {
  return info.param.name;
}

// Writes each object as a file under `dir` (for filesystem-backed factories).
inline absl::Status WriteObjects(const std::string& dir, const ObjectMap& objects) {
  for (const auto& [name, data] : objects) {
    absl::Status s = ::charon::testing::WriteFile(dir + "/" + name, data);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// Everything Iter reports, in order.
inline absl::StatusOr<std::vector<std::string>> ListAll(Bucket& bucket, std::string_view dir,
                                                        bool recursive) {
  std::vector<std::string> names;
  IterOptions options;
  options.recursive = recursive;
  absl::Status s = bucket.Iter(
      dir,
      [&names](std::string_view name) {
        names.emplace_back(name);
        return absl::OkStatus();
      },
      options);
  if (!s.ok()) return s;
  return names;
}

// Deterministic bytes of every value, for large objects.
inline std::string PseudoRandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

class BucketConformanceTest : public ::testing::TestWithParam<BucketConformanceParam> {
 protected:
  // A bucket holding exactly `objects`; fails the test (and returns null) if it cannot be made.
  std::unique_ptr<Bucket> Make(const ObjectMap& objects) {
    absl::StatusOr<::charon::testing::TempDir> dir = ::charon::testing::TempDir::Create("bucket");
    EXPECT_TRUE(dir.ok()) << dir.status();
    if (!dir.ok()) return nullptr;
    scratch_.emplace(*std::move(dir));
    absl::StatusOr<std::unique_ptr<Bucket>> bucket = GetParam().make(objects, scratch_->path());
    EXPECT_TRUE(bucket.ok()) << bucket.status();
    return bucket.ok() ? *std::move(bucket) : nullptr;
  }

  // Objects shaped like a Thanos bucket plus names that trip naive prefix listing.
  static ObjectMap Tree() {
    return {{"01AAA/meta.json", "{}"},
            {"01AAA/index", "index-bytes"},
            {"01AAA/chunks/000001", "c1"},
            {"01AAA/chunks/000002", "c2"},
            {"01AAB/meta.json", "{\"b\":1}"},
            {"01AAA.tmp", "not a dir"},
            {"01AAAX/file", "sibling with a longer name"},
            {"debug/metas/01AAA.json", "{}"},
            {"top", "t"},
            {"with space/\xc3\xbc.txt", "unicode"}};
  }

  std::optional<::charon::testing::TempDir> scratch_;
};

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_P(BucketConformanceTest, IterRootListsChildrenInByteOrder) {
  auto bucket = Make(Tree());
  ASSERT_NE(bucket, nullptr);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", false));
  // '.' < '/' < 'X' in byte order.
  EXPECT_THAT(names, ElementsAre("01AAA.tmp", "01AAA/", "01AAAX/", "01AAB/", "debug/", "top",
                                 "with space/"));
}

TEST_P(BucketConformanceTest, IterDirWithOrWithoutSlashIsTheSame) {
  auto bucket = Make(Tree());
  ASSERT_NE(bucket, nullptr);
  for (std::string dir : {"01AAA", "01AAA/"}) {
    SCOPED_TRACE(dir);
    ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, dir, false));
    EXPECT_THAT(names, ElementsAre("01AAA/chunks/", "01AAA/index", "01AAA/meta.json"));
    ASSERT_OK_AND_ASSIGN(auto deep, ListAll(*bucket, dir, true));
    EXPECT_THAT(deep, ElementsAre("01AAA/chunks/000001", "01AAA/chunks/000002", "01AAA/index",
                                  "01AAA/meta.json"));
  }
  ASSERT_OK_AND_ASSIGN(auto chunks, ListAll(*bucket, "01AAA/chunks", false));
  EXPECT_THAT(chunks, ElementsAre("01AAA/chunks/000001", "01AAA/chunks/000002"));
}

TEST_P(BucketConformanceTest, IterRecursiveListsOnlyObjects) {
  ObjectMap tree = Tree();
  auto bucket = Make(tree);
  ASSERT_NE(bucket, nullptr);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", true));
  std::vector<std::string> want;
  for (const auto& [name, data] : tree) want.push_back(name);
  EXPECT_EQ(names, want);  // std::map iterates in byte order too
}

TEST_P(BucketConformanceTest, IterMissingDirIsEmptyNotAnError) {
  auto bucket = Make(Tree());
  ASSERT_NE(bucket, nullptr);
  for (std::string dir : {"nope", "nope/", "01AAA/nope", "top", "01AA"}) {
    SCOPED_TRACE(dir);
    for (bool recursive : {false, true}) {
      ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, dir, recursive));
      EXPECT_THAT(names, IsEmpty());
    }
  }
}

TEST_P(BucketConformanceTest, IterEmptyBucket) {
  auto bucket = Make({});
  ASSERT_NE(bucket, nullptr);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", false));
  EXPECT_THAT(names, IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto deep, ListAll(*bucket, "", true));
  EXPECT_THAT(deep, IsEmpty());
}

TEST_P(BucketConformanceTest, IterStopsAtFirstCallbackError) {
  auto bucket = Make(Tree());
  ASSERT_NE(bucket, nullptr);
  int calls = 0;
  absl::Status s = bucket->Iter("", [&calls](std::string_view) {
    ++calls;
    return absl::CancelledError("stop");
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled, "stop"));
  EXPECT_EQ(calls, 1);
}

TEST_P(BucketConformanceTest, GetWholeObjects) {
  ObjectMap tree = Tree();
  auto bucket = Make(tree);
  ASSERT_NE(bucket, nullptr);
  for (const auto& [name, data] : tree) {
    SCOPED_TRACE(name);
    ASSERT_OK_AND_ASSIGN(std::string got, bucket->Get(name));
    EXPECT_EQ(got, data);
    ASSERT_OK_AND_ASSIGN(bool exists, bucket->Exists(name));
    EXPECT_TRUE(exists);
    ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, bucket->Attributes(name));
    EXPECT_EQ(attrs.size, static_cast<int64_t>(data.size()));
  }
  EXPECT_FALSE(bucket->Name().empty());
}

TEST_P(BucketConformanceTest, MissingObjectsAreNotFound) {
  auto bucket = Make(Tree());
  ASSERT_NE(bucket, nullptr);
  // "01AAA" and "debug/metas" are directories, not objects.
  for (std::string name : {"missing", "01AAA/missing", "01AAA", "debug/metas", "top/below", "0"}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(bucket->Get(name), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(bucket->GetRange(name, 0, 10), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(bucket->Attributes(name), StatusIs(absl::StatusCode::kNotFound));
    ASSERT_OK_AND_ASSIGN(bool exists, bucket->Exists(name));
    EXPECT_FALSE(exists);
  }
}

TEST_P(BucketConformanceTest, InvalidNamesAreInvalidArgument) {
  auto bucket = Make(Tree());
  ASSERT_NE(bucket, nullptr);
  for (std::string name : {"", "/top", "top/", "../top", "01AAA/../top", "a//b", "./top"}) {
    SCOPED_TRACE(name);
    EXPECT_THAT(bucket->Get(name), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(bucket->GetRange(name, 0, 1), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(bucket->Exists(name), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(bucket->Attributes(name), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  EXPECT_THAT(ListAll(*bucket, "../", false), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(BucketConformanceTest, GetRangeCutsAtTheEnd) {
  auto bucket = Make({{"obj", "0123456789"}});
  ASSERT_NE(bucket, nullptr);
  struct Case {
    int64_t offset, length;
    std::string want;
  };
  const Case cases[] = {
      {0, -1, "0123456789"}, {0, 10, "0123456789"}, {2, 3, "234"},      {0, 1, "0"},
      {9, 1, "9"},           {7, 100, "789"},       {3, -1, "3456789"}, {10, 5, ""},
      {10, -1, ""},          {50, 5, ""},           {4, 0, ""}};
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "offset " << c.offset << " length " << c.length);
    ASSERT_OK_AND_ASSIGN(std::string got, bucket->GetRange("obj", c.offset, c.length));
    EXPECT_EQ(got, c.want);
  }
  EXPECT_THAT(bucket->GetRange("obj", -1, 5), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(BucketConformanceTest, ZeroLengthObject) {
  auto bucket = Make({{"empty", ""}, {"dir/empty", ""}});
  ASSERT_NE(bucket, nullptr);
  ASSERT_OK_AND_ASSIGN(std::string whole, bucket->Get("empty"));
  EXPECT_EQ(whole, "");
  for (auto [offset, length] : {std::pair<int64_t, int64_t>{0, -1}, {0, 10}, {5, 1}}) {
    ASSERT_OK_AND_ASSIGN(std::string part, bucket->GetRange("empty", offset, length));
    EXPECT_EQ(part, "");
  }
  ASSERT_OK_AND_ASSIGN(bool exists, bucket->Exists("dir/empty"));
  EXPECT_TRUE(exists);
  ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, bucket->Attributes("empty"));
  EXPECT_EQ(attrs.size, 0);
  ASSERT_OK_AND_ASSIGN(auto names, ListAll(*bucket, "", true));
  EXPECT_THAT(names, ElementsAre("dir/empty", "empty"));
}

TEST_P(BucketConformanceTest, LargeObjectManyRanges) {
  const std::string data = PseudoRandomBytes(5 * 1024 * 1024 + 17, 42);
  auto bucket = Make({{"big/chunks/000001", data}});
  ASSERT_NE(bucket, nullptr);
  ASSERT_OK_AND_ASSIGN(std::string whole, bucket->Get("big/chunks/000001"));
  EXPECT_TRUE(whole == data);
  std::mt19937_64 rng(7);
  const int64_t size = static_cast<int64_t>(data.size());
  for (int i = 0; i < 200; ++i) {
    int64_t offset = static_cast<int64_t>(rng() % static_cast<uint64_t>(size + 100));
    int64_t length = static_cast<int64_t>(rng() % 300000);
    ASSERT_OK_AND_ASSIGN(std::string got, bucket->GetRange("big/chunks/000001", offset, length));
    std::string want =
        offset >= size ? "" : data.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
    ASSERT_TRUE(got == want) << "offset " << offset << " length " << length;
  }
  ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, bucket->Attributes("big/chunks/000001"));
  EXPECT_EQ(attrs.size, size);
}

TEST_P(BucketConformanceTest, AttributesLastModifiedIsRecent) {
  absl::Time before = absl::Now() - absl::Minutes(5);
  auto bucket = Make({{"obj", "x"}});
  ASSERT_NE(bucket, nullptr);
  ASSERT_OK_AND_ASSIGN(ObjectAttributes attrs, bucket->Attributes("obj"));
  EXPECT_GE(attrs.last_modified, before);
  EXPECT_LE(attrs.last_modified, absl::Now() + absl::Minutes(5));
}

TEST_P(BucketConformanceTest, ConcurrentReadersSeeTheSameBytes) {
  ObjectMap objects = Tree();
  objects["big"] = PseudoRandomBytes(1024 * 1024, 3);
  const std::string& big = objects.at("big");
  auto bucket = Make(objects);
  ASSERT_NE(bucket, nullptr);
  constexpr int kThreads = 8;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<uint32_t>(t));
      for (int i = 0; i < 100; ++i) {
        int64_t offset = rng() % (1024 * 1024);
        int64_t length = rng() % 65536;
        absl::StatusOr<std::string> r = bucket->GetRange("big", offset, length);
        if (!r.ok() || *r != big.substr(static_cast<size_t>(offset), static_cast<size_t>(length))) {
          ++failures[static_cast<size_t>(t)];
        }
        absl::StatusOr<std::string> meta = bucket->Get("01AAB/meta.json");
        if (!meta.ok() || *meta != "{\"b\":1}") ++failures[static_cast<size_t>(t)];
        absl::StatusOr<bool> exists = bucket->Exists("01AAA/index");
        if (!exists.ok() || !*exists) ++failures[static_cast<size_t>(t)];
        if (i % 10 == 0) {
          absl::StatusOr<std::vector<std::string>> names = ListAll(*bucket, "", false);
          if (!names.ok() || names->size() != 8) ++failures[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_BUCKET_CONFORMANCE_H_
