// The index cache and the matchers cache of `charon store`, seen from outside: real stores as
// child processes over one filesystem bucket, a real memcached, answers and /metrics.
//
//   - two stores sharing one memcached read each other's entries: the second one's first query
//     makes no index reads;
//   - cached postings that do not decode, or decode to refs the block cannot hold, are misses:
//     the answer stays the bucket's;
//   - --matcher-cache-size: a repeated regex request is a matchers-cache hit, same answer.
//
// CHARON_BINARY names the charon executable (set by CMake); the tests fail without it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cache/postings_codec.h"
#include "e2e/charon_store_server.h"
#include "e2e/http_get.h"
#include "e2e/store_metrics_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/block_fixtures.h"
#include "testing/memcached_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::e2e {
namespace {

namespace fs = std::filesystem;

double RangeReads(CharonStoreServer& store) {
  return MetricSum(store.http_port(), "thanos_objstore_bucket_operations_total",
                   "operation=\"get_range\"");
}

double IndexCacheHits(CharonStoreServer& store) {
  return MetricSum(store.http_port(), "thanos_store_index_cache_hits_total");
}

thanos::SeriesRequest Request(thanos::LabelMatcher::Type type, const std::string& name,
                              const std::string& value, bool skip_chunks) {
  thanos::SeriesRequest req;
  req.set_min_time(std::numeric_limits<int64_t>::min());
  req.set_max_time(std::numeric_limits<int64_t>::max());
  req.set_skip_chunks(skip_chunks);
  thanos::LabelMatcher* m = req.add_matchers();
  m->set_type(type);
  m->set_name(name);
  m->set_value(value);
  return req;
}

// Every series of the answer with its chunks, as bytes: equal answers, equal strings.
std::string Answer(CharonStoreServer& store, const thanos::SeriesRequest& req) {
  absl::StatusOr<server::grpc::SeriesCallResult> r = store.client().Series(req);
  EXPECT_OK(r.status());
  if (!r.ok()) return "";
  EXPECT_THAT(r->warnings, ::testing::IsEmpty());
  std::string out = absl::StrCat(r->series.size(), " series\n");
  for (const thanos::Series& s : r->series) absl::StrAppend(&out, s.SerializeAsString(), "\n");
  return out;
}

int CountInFile(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += absl::StrContains(line, needle) ? 1 : 0;
  return n;
}

class IndexCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* binary = std::getenv("CHARON_BINARY");
    ASSERT_TRUE(binary != nullptr && fs::exists(binary))
        << "CHARON_BINARY does not name the charon executable";
    binary_ = new std::string(binary);
    ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("index-cache-e2e"));
    dir_ = new testing::TempDir(std::move(dir));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> blocks,
                         testing::AdjacentBlocks().WriteBlocks(dir_->Path("bucket")));
    ASSERT_FALSE(blocks.empty());
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete binary_;
  }

  void SetUp() override { ASSERT_NE(dir_, nullptr); }

  absl::StatusOr<std::unique_ptr<CharonStoreServer>> StartStore(std::vector<std::string> flags) {
    CharonStoreServerOptions o;
    o.binary = *binary_;
    o.bucket_dir = dir_->Path("bucket");
    o.work_dir = dir_->Path(absl::StrCat("store-", ++started_));
    fs::create_directories(o.work_dir);
    o.extra_flags = std::move(flags);
    o.extra_flags.push_back("--sync-block-duration=24h");
    return CharonStoreServer::Start(std::move(o));
  }

  static std::string MemcachedIndexCache(const testing::MemcachedServer& m) {
    return absl::StrCat("--index-cache.config=type: MEMCACHED\nconfig:\n  addresses: [\"",
                        m.address(), "\"]\n");
  }

  // Index entries are written to memcached in the background: waits until it holds some and
  // their number stopped changing. The keys.
  static std::vector<std::string> SettledKeys(const testing::MemcachedServer& m) {
    std::vector<std::string> keys;
    size_t last = 0;
    for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
      absl::StatusOr<std::vector<std::string>> k = m.Keys();
      EXPECT_OK(k.status());
      if (!k.ok()) return {};
      if (!k->empty() && k->size() == last) return *k;
      last = k->size();
      keys = *std::move(k);
      absl::SleepFor(absl::Milliseconds(300));
    }
    ADD_FAILURE() << "memcached keys never settled";
    return keys;
  }

  static std::string* binary_;
  static testing::TempDir* dir_;
  int started_ = 0;
};

std::string* IndexCacheTest::binary_ = nullptr;
testing::TempDir* IndexCacheTest::dir_ = nullptr;

// Thanos' keys and codec on a shared memcached: a store with a cold process but a warm shared
// cache answers its first query without reading the index from the bucket.
TEST_F(IndexCacheTest, TwoStoresSharingOneMemcachedReadEachOthersEntries) {
  ASSERT_OK_AND_ASSIGN(auto memcached, testing::MemcachedServer::Start());
  const std::string flag = MemcachedIndexCache(*memcached);
  // Labels only: every range read such a query makes is an index read.
  const thanos::SeriesRequest labels_only =
      Request(thanos::LabelMatcher::RE, "__name__", ".+", /*skip_chunks=*/true);
  const thanos::SeriesRequest with_chunks =
      Request(thanos::LabelMatcher::RE, "__name__", ".+", /*skip_chunks=*/false);

  ASSERT_OK_AND_ASSIGN(auto first, StartStore({flag}));
  const double first_before = RangeReads(*first);
  const std::string want_labels = Answer(*first, labels_only);
  EXPECT_GT(RangeReads(*first), first_before) << "a cold query must read the index";
  const std::string want = Answer(*first, with_chunks);
  const std::vector<std::string> keys = SettledKeys(*memcached);
  EXPECT_THAT(keys, ::testing::Contains(::testing::StartsWith("P:")));
  EXPECT_THAT(keys, ::testing::Contains(::testing::StartsWith("EP:")));
  EXPECT_THAT(keys, ::testing::Contains(::testing::StartsWith("S:")));

  ASSERT_OK_AND_ASSIGN(auto second, StartStore({flag}));
  const double reads_before = RangeReads(*second);
  const double hits_before = IndexCacheHits(*second);
  EXPECT_EQ(Answer(*second, labels_only), want_labels);
  EXPECT_EQ(RangeReads(*second), reads_before) << "the second store read the index";
  EXPECT_GT(IndexCacheHits(*second), hits_before);
  EXPECT_EQ(Answer(*second, with_chunks), want);
}

// Entries changed in memcached behind the stores' back: undecodable bytes, and a well-formed
// list naming a series the block cannot hold. Each is a miss: the answer is the bucket's, and
// the problem is logged once.
TEST_F(IndexCacheTest, CorruptCachedPostingsAreMissesNotWrongAnswers) {
  ASSERT_OK_AND_ASSIGN(auto memcached, testing::MemcachedServer::Start());
  const std::string flag = MemcachedIndexCache(*memcached);
  const thanos::SeriesRequest req =
      Request(thanos::LabelMatcher::RE, "__name__", ".+", /*skip_chunks=*/false);

  // The truth, from a store with no index cache at all.
  ASSERT_OK_AND_ASSIGN(auto plain, StartStore({"--index-cache-size=0"}));
  const std::string want = Answer(*plain, req);
  ASSERT_THAT(want, ::testing::Not(::testing::StartsWith("0 series")));
  plain.reset();

  struct Corruption {
    const char* name;
    std::string value;
    const char* log;
  };
  const std::vector<Corruption> corruptions = {
      {"garbage", "not postings at all", "does not decode"},
      {"bad CRC",
       [] {
         std::string v = cache::EncodePostings(std::vector<uint64_t>{1, 2, 3});
         v.back() ^= 0x55;
         return v;
       }(),
       "does not decode"},
      {"refs past the series section", cache::EncodePostings(std::vector<uint64_t>{1ull << 40}),
       "does not fit the block"},
  };
  for (const Corruption& c : corruptions) {
    SCOPED_TRACE(c.name);
    ASSERT_OK(memcached->FlushAll());
    ASSERT_OK_AND_ASSIGN(auto warm, StartStore({flag}));
    EXPECT_EQ(Answer(*warm, req), want);
    std::vector<std::string> keys = SettledKeys(*memcached);
    int planted = 0;
    for (const std::string& k : keys) {
      if (!absl::StartsWith(k, "P:") && !absl::StartsWith(k, "EP:")) continue;
      ASSERT_OK(memcached->Set(k, c.value));
      ++planted;
    }
    ASSERT_GT(planted, 0);
    // A fresh process (nothing decoded before) and the same one again.
    ASSERT_OK_AND_ASSIGN(auto cold, StartStore({flag}));
    for (CharonStoreServer* store : {cold.get(), warm.get(), cold.get()}) {
      EXPECT_EQ(Answer(*store, req), want);
    }
    EXPECT_EQ(CountInFile(cold->process().log_path(), c.log), 1)
        << "want the problem logged once in " << cold->process().log_path();
  }
}

// --matcher-cache-size: the second identical regex request compiles nothing, answers the same.
TEST_F(IndexCacheTest, RepeatedRegexRequestIsAMatchersCacheHit) {
  ASSERT_OK_AND_ASSIGN(auto store, StartStore({"--matcher-cache-size=100"}));
  const thanos::SeriesRequest req =
      Request(thanos::LabelMatcher::RE, "__name__", "[a-z_]+", /*skip_chunks=*/false);
  const std::string first = Answer(*store, req);
  EXPECT_THAT(first, ::testing::Not(::testing::StartsWith("0 series")));
  EXPECT_EQ(MetricSum(store->http_port(), "thanos_matchers_cache_requests_total"), 1);
  EXPECT_EQ(MetricSum(store->http_port(), "thanos_matchers_cache_hits_total"), 0);
  EXPECT_EQ(Answer(*store, req), first);
  EXPECT_EQ(MetricSum(store->http_port(), "thanos_matchers_cache_requests_total"), 2);
  EXPECT_EQ(MetricSum(store->http_port(), "thanos_matchers_cache_hits_total"), 1);
  EXPECT_EQ(MetricSum(store->http_port(), "thanos_matchers_cache_items"), 1);
  EXPECT_EQ(CountInFile(store->process().log_path(), "--matcher-cache-size"), 0)
      << "the flag acts: it must not be logged as not implemented";

  // Off by default, as in Thanos: no matchers cache metrics at all.
  ASSERT_OK_AND_ASSIGN(auto off, StartStore({}));
  EXPECT_EQ(Answer(*off, req), first);
  EXPECT_EQ(MetricSum(off->http_port(), "thanos_matchers_cache_requests_total"), 0);
}

}  // namespace
}  // namespace charon::e2e
