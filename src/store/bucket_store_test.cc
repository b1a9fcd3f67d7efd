// BucketStore against real promtool-written blocks in a filesystem bucket, checked against the
// fixture samples themselves (the same answer Prometheus gives for those samples).
#include "store/bucket_store.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <sstream>

#include "base/logging.h"
#include "cache/index_cache.h"
#include "cache/index_cache_config.h"
#include "cache/inmemory_index_cache.h"
#include "objstore/error_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "store/store_test_util.h"
#include "testing/block_fixtures.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::store {
namespace {

using ::charon::testing::BlockBuilder;
using ::charon::testing::kFixtureStartMs;
using ::charon::testing::kTwoHoursMs;
using ::charon::testing::SeriesSamples;
using ::charon::testing::StatusIs;
using tsdb::MatchType;

constexpr int64_t kStep = 60'000;

// Counts GetRange calls on index files and on chunk segments, apart.
class IndexReadCounter final : public objstore::Bucket {
 public:
  explicit IndexReadCounter(std::shared_ptr<objstore::Bucket> inner) : inner_(std::move(inner)) {}
  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    objstore::IterOptions options) override {
    return inner_->Iter(dir, fn, options);
  }
  absl::StatusOr<std::string> Get(std::string_view name) override { return inner_->Get(name); }
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override {
    (name.ends_with("/index") ? index_reads_ : other_reads_).fetch_add(1);
    return inner_->GetRange(name, offset, length);
  }
  absl::StatusOr<bool> Exists(std::string_view name) override { return inner_->Exists(name); }
  absl::StatusOr<objstore::ObjectAttributes> Attributes(std::string_view name) override {
    return inner_->Attributes(name);
  }
  std::string Name() const override { return inner_->Name(); }

  int64_t index_reads() const { return index_reads_.load(); }
  int64_t other_reads() const { return other_reads_.load(); }
  void Reset() {
    index_reads_ = 0;
    other_reads_ = 0;
  }

 private:
  std::shared_ptr<objstore::Bucket> inner_;
  std::atomic<int64_t> index_reads_{0}, other_reads_{0};
};

tsdb::Labels L(std::initializer_list<std::pair<const char*, const char*>> kv) {
  tsdb::Labels ls;
  for (auto& [k, v] : kv) ls.push_back({k, v});
  std::sort(ls.begin(), ls.end());
  return ls;
}

// Group A (cluster=a, replica=r1): 3 adjacent 2h blocks; group A' (same labels) overlapping the
// first block with identical samples for one series; group B (cluster=b): 1 block.
struct Fixture {
  std::string dir;
  std::vector<std::pair<SeriesSamples, tsdb::Labels>> data;
};

BlockBuilder GroupA() {
  BlockBuilder b;
  int n = 3 * static_cast<int>(kTwoHoursMs / kStep);
  for (const char* job : {"api", "db", "web"}) {
    for (const char* inst : {"i-1", "i-2", "i-3"}) {
      b.AddRegularSeries(L({{"__name__", "up"}, {"job", job}, {"instance", inst}}), kFixtureStartMs,
                         kStep, n);
    }
  }
  for (const char* code : {"200", "404", "500"}) {
    for (const char* method : {"GET", "POST"}) {
      b.AddRegularSeries(
          L({{"__name__", "http_requests_total"}, {"code", code}, {"method", method}}),
          kFixtureStartMs, kStep, n, [](int i) { return i * 2.5; });
    }
  }
  // Prefix relations that external labels reorder: {m} < {m, a=..} in the index, but with the
  // external label "cluster" inserted, {m, a=1, cluster} < {m, cluster}.
  b.AddRegularSeries(L({{"__name__", "prefix_metric"}}), kFixtureStartMs, kStep, n);
  b.AddRegularSeries(L({{"__name__", "prefix_metric"}, {"a", "1"}}), kFixtureStartMs, kStep, n);
  b.AddRegularSeries(L({{"__name__", "prefix_metric"}, {"a", "1"}, {"b", "2"}}), kFixtureStartMs,
                     kStep, n);
  b.AddRegularSeries(L({{"__name__", "prefix_metric"}, {"z", "1"}}), kFixtureStartMs, kStep, n);
  // Sparse series living only in the middle block.
  b.AddRegularSeries(L({{"__name__", "middle_only"}, {"job", "api"}}),
                     kFixtureStartMs + kTwoHoursMs + 5 * kStep, kStep, 10);
  b.SetThanosMeta({.external_labels = {{"cluster", "a"}, {"replica", "r1"}}});
  return b;
}

BlockBuilder GroupAOverlap() {
  BlockBuilder b;
  b.AddRegularSeries(L({{"__name__", "up"}, {"job", "api"}, {"instance", "i-1"}}), kFixtureStartMs,
                     kStep, 30);
  b.AddRegularSeries(L({{"__name__", "overlap_only"}, {"job", "x"}}), kFixtureStartMs + 30 * kStep,
                     kStep, 30);
  b.SetThanosMeta({.external_labels = {{"cluster", "a"}, {"replica", "r1"}}});
  return b;
}

BlockBuilder GroupB() {
  BlockBuilder b;
  for (const char* job : {"api", "batch"}) {
    b.AddRegularSeries(L({{"__name__", "up"}, {"job", job}, {"instance", "b-1"}}), kFixtureStartMs,
                       kStep, 100, [](int i) { return i % 2; });
  }
  b.AddRegularSeries(L({{"__name__", "node_cpu_seconds_total"}, {"cpu", "0"}, {"mode", "idle"}}),
                     kFixtureStartMs, kStep, 100);
  b.SetThanosMeta({.external_labels = {{"cluster", "b"}}});
  return b;
}

class BucketStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir(testing::TempDir::Create().value());
    bucket_dir_ = dir_->path() + "/bucket";
    for (const auto& builder : {GroupA(), GroupAOverlap(), GroupB()}) {
      auto blocks = builder.WriteBlocks(bucket_dir_);
      ASSERT_TRUE(blocks.ok()) << blocks.status();
    }
    data_ = new std::vector<std::pair<SeriesSamples, tsdb::Labels>>{
        {GroupA().Expected(), L({{"cluster", "a"}, {"replica", "r1"}})},
        {GroupAOverlap().Expected(), L({{"cluster", "a"}, {"replica", "r1"}})},
        {GroupB().Expected(), L({{"cluster", "b"}})}};
  }
  static void TearDownTestSuite() {
    delete data_;
    delete dir_;
  }

  void SetUp() override {
    auto bucket = objstore::FilesystemBucket::Open(bucket_dir_);
    ASSERT_OK(bucket.status());
    bucket_ = std::move(bucket).value();
    BucketStoreOptions opts;
    opts.load.data_dir = data_dir_.path();
    opts.series_batch_size = 7;  // many batches even for these small blocks
    opts.chunks_per_fetch = 5;   // and several chunk fetches per batch
    store_ = std::make_unique<BucketStore>(bucket_, AllBlocks(bucket_), opts, registry_);
    ASSERT_OK(store_->InitialSync());
  }

  absl::StatusOr<std::vector<CollectedSeries>> Run(const SeriesRequest& req) {
    CollectingSink sink(req.min_time, req.max_time);
    SeriesResult result;
    absl::Status s = store_->Series(req, sink, &result);
    if (!s.ok()) return s;
    return sink.series;
  }

  // Returns the number of series expected.
  size_t ExpectMatchesOracle(const std::vector<tsdb::Matcher>& ms, int64_t mint, int64_t maxt) {
    SeriesRequest req;
    req.min_time = mint;
    req.max_time = maxt;
    req.matchers = ms;
    auto got = Run(req);
    EXPECT_OK(got.status());
    if (!got.ok()) return 0;
    SeriesSamples want = Select(*data_, ms, mint, maxt);
    SeriesSamples have;
    for (size_t i = 0; i < got->size(); ++i) {
      const auto& s = (*got)[i];
      if (i > 0) {
        EXPECT_LT(tsdb::CompareLabels((*got)[i - 1].labels, s.labels), 0)
            << "not strictly sorted at " << tsdb::LabelsToString(s.labels);
      }
      EXPECT_FALSE(s.samples.empty())
          << "series without samples in range: " << tsdb::LabelsToString(s.labels);
      have[s.labels] = s.samples;
    }
    EXPECT_EQ(have.size(), want.size());
    for (const auto& [ls, samples] : want) {
      auto it = have.find(ls);
      if (it == have.end()) {
        ADD_FAILURE() << "missing " << tsdb::LabelsToString(ls);
        continue;
      }
      EXPECT_EQ(it->second, samples) << tsdb::LabelsToString(ls);
    }
    for (const auto& [ls, samples] : have) {
      if (!want.contains(ls)) ADD_FAILURE() << "unexpected " << tsdb::LabelsToString(ls);
    }
    return want.size();
  }

  static testing::TempDir* dir_;
  static std::string bucket_dir_;
  static std::vector<std::pair<SeriesSamples, tsdb::Labels>>* data_;
  testing::TempDir data_dir_ = testing::TempDir::Create().value();
  prometheus::Registry registry_;
  std::shared_ptr<objstore::Bucket> bucket_;
  std::unique_ptr<BucketStore> store_;
};

testing::TempDir* BucketStoreTest::dir_ = nullptr;
std::string BucketStoreTest::bucket_dir_;
std::vector<std::pair<SeriesSamples, tsdb::Labels>>* BucketStoreTest::data_ = nullptr;

TEST_F(BucketStoreTest, RefusesQueriesBeforeInitialSync) {
  prometheus::Registry registry;
  BucketStoreOptions opts;
  opts.load.data_dir = data_dir_.path();
  BucketStore fresh(bucket_, AllBlocks(bucket_), opts, registry);
  SeriesRequest req;
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  CollectingSink sink(req.min_time, req.max_time);
  EXPECT_THAT(fresh.Series(req, sink, nullptr), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(fresh.LabelNames({}), StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK(fresh.InitialSync());
  EXPECT_OK(fresh.Series(req, sink, nullptr));
}

TEST_F(BucketStoreTest, LoadsEveryBlock) {
  EXPECT_EQ(store_->Blocks().size(), 5u);
  EXPECT_TRUE(store_->Ready());
}

TEST_F(BucketStoreTest, SelectorsMatchOracle) {
  const int64_t all_min = kFixtureStartMs - kTwoHoursMs;
  const int64_t all_max = kFixtureStartMs + 4 * kTwoHoursMs;
  struct Case {
    const char* name;
    std::vector<tsdb::Matcher> ms;
    bool empty = false;  // the answer is expected to be empty on the full range
  };
  const std::vector<Case> cases = {
      {"eq", ParseMatchers({{MatchType::kEqual, "__name__", "up"}})},
      {"eq two",
       ParseMatchers({{MatchType::kEqual, "__name__", "up"}, {MatchType::kEqual, "job", "api"}})},
      {"neq", ParseMatchers(
                  {{MatchType::kEqual, "__name__", "up"}, {MatchType::kNotEqual, "job", "api"}})},
      {"re alternation", ParseMatchers({{MatchType::kRegexMatch, "job", "api|web"}})},
      {"re prefix", ParseMatchers({{MatchType::kRegexMatch, "__name__", "http.*"}})},
      {"nre", ParseMatchers({{MatchType::kEqual, "__name__", "up"},
                             {MatchType::kRegexNoMatch, "instance", "i-.*"}})},
      {"empty eq selects absent", ParseMatchers({{MatchType::kEqual, "__name__", "prefix_metric"},
                                                 {MatchType::kEqual, "a", ""}})},
      {"neq empty requires label", ParseMatchers({{MatchType::kEqual, "__name__", "prefix_metric"},
                                                  {MatchType::kNotEqual, "a", ""}})},
      {"re optional", ParseMatchers({{MatchType::kEqual, "__name__", "prefix_metric"},
                                     {MatchType::kRegexMatch, "a", "1?"}})},
      {"prefix metric all", ParseMatchers({{MatchType::kEqual, "__name__", "prefix_metric"}})},
      {"external only", ParseMatchers({{MatchType::kEqual, "cluster", "b"}})},
      {"external re", ParseMatchers({{MatchType::kRegexMatch, "cluster", "a|b"},
                                     {MatchType::kEqual, "job", "api"}})},
      {"external mismatch",
       ParseMatchers({{MatchType::kEqual, "cluster", "c"}, {MatchType::kEqual, "__name__", "up"}}),
       true},
      {"external neq", ParseMatchers({{MatchType::kNotEqual, "cluster", "a"},
                                      {MatchType::kRegexMatch, "__name__", ".+"}})},
      {"dot star", ParseMatchers({{MatchType::kRegexMatch, "__name__", ".*"},
                                  {MatchType::kEqual, "job", "db"}})},
      {"no match", ParseMatchers({{MatchType::kEqual, "__name__", "nope"}}), true},
      {"missing label empty",
       ParseMatchers({{MatchType::kEqual, "__name__", "up"}, {MatchType::kEqual, "missing", ""}})},
      {"missing label nonempty",
       ParseMatchers(
           {{MatchType::kEqual, "__name__", "up"}, {MatchType::kNotEqual, "missing", ""}}),
       true},
  };
  const std::vector<std::pair<int64_t, int64_t>> ranges = {
      {all_min, all_max},
      {kFixtureStartMs + kTwoHoursMs - 5 * kStep,
       kFixtureStartMs + kTwoHoursMs + 7 * kStep},                           // cuts blocks
      {kFixtureStartMs + 10 * kStep + 1, kFixtureStartMs + 10 * kStep + 5},  // between samples
      {kFixtureStartMs + 10 * kStep, kFixtureStartMs + 10 * kStep},          // one instant
  };
  for (const auto& c : cases) {
    for (const auto& [mint, maxt] : ranges) {
      SCOPED_TRACE(::testing::PrintToString(std::make_tuple(c.name, mint, maxt)));
      size_t n = ExpectMatchesOracle(c.ms, mint, maxt);
      if (mint == all_min) {
        EXPECT_EQ(n == 0, c.empty);
      }
    }
  }
}

TEST_F(BucketStoreTest, SkipChunksReturnsSameSeriesWithoutChunks) {
  SeriesRequest req;
  req.min_time = kFixtureStartMs;
  req.max_time = kFixtureStartMs + 3 * kTwoHoursMs;
  req.matchers = ParseMatchers({{MatchType::kRegexMatch, "__name__", ".+"}});
  auto full = Run(req);
  ASSERT_OK(full.status());
  req.skip_chunks = true;
  auto skipped = Run(req);
  ASSERT_OK(skipped.status());
  ASSERT_EQ(full->size(), skipped->size());
  for (size_t i = 0; i < full->size(); ++i) {
    EXPECT_EQ((*full)[i].labels, (*skipped)[i].labels);
    EXPECT_EQ((*skipped)[i].num_chunks, 0u);
  }
}

TEST_F(BucketStoreTest, WithoutReplicaLabelsRemovesThem) {
  SeriesRequest req;
  req.min_time = kFixtureStartMs;
  req.max_time = kFixtureStartMs + kTwoHoursMs;
  req.matchers =
      ParseMatchers({{MatchType::kEqual, "__name__", "up"}, {MatchType::kEqual, "job", "api"}});
  req.without_replica_labels = {"replica"};
  auto got = Run(req);
  ASSERT_OK(got.status());
  ASSERT_FALSE(got->empty());
  for (const auto& s : *got) EXPECT_EQ(tsdb::GetLabel(s.labels, "replica"), "");
}

TEST_F(BucketStoreTest, SeriesLimitIsResourceExhausted) {
  BucketStoreOptions opts;
  opts.load.data_dir = data_dir_.path();
  opts.series_limit = 3;
  prometheus::Registry registry;
  BucketStore limited(bucket_, AllBlocks(bucket_), opts, registry);
  ASSERT_OK(limited.InitialSync());
  SeriesRequest req;
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  CollectingSink sink(req.min_time, req.max_time);
  EXPECT_THAT(limited.Series(req, sink, nullptr),
              StatusIs(absl::StatusCode::kResourceExhausted, "exceeded series limit"));
}

TEST_F(BucketStoreTest, BadRequestsAreInvalidArgument) {
  SeriesRequest req;
  req.min_time = 10;
  req.max_time = 5;
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  CollectingSink sink(0, 0);
  EXPECT_THAT(store_->Series(req, sink, nullptr), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(BucketStoreTest, LabelNamesAndValues) {
  LabelNamesRequest names;
  auto got = store_->LabelNames(names);
  ASSERT_OK(got.status());
  std::vector<std::string> want = {"__name__", "a",   "b",      "cluster", "code",    "cpu",
                                   "instance", "job", "method", "mode",    "replica", "z"};
  EXPECT_EQ(got->values, want);

  LabelValuesRequest values;
  values.label = "job";
  auto jobs = store_->LabelValues(values);
  ASSERT_OK(jobs.status());
  EXPECT_EQ(jobs->values, (std::vector<std::string>{"api", "batch", "db", "web", "x"}));

  values.matchers = ParseMatchers({{MatchType::kEqual, "cluster", "b"}});
  jobs = store_->LabelValues(values);
  ASSERT_OK(jobs.status());
  EXPECT_EQ(jobs->values, (std::vector<std::string>{"api", "batch"}));

  values.label = "cluster";
  values.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "node_cpu_seconds_total"}});
  auto clusters = store_->LabelValues(values);
  ASSERT_OK(clusters.status());
  EXPECT_EQ(clusters->values, (std::vector<std::string>{"b"}));

  names.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "http_requests_total"}});
  got = store_->LabelNames(names);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->values,
            (std::vector<std::string>{"__name__", "cluster", "code", "method", "replica"}));

  // The limit cuts the sorted union of every block's answer.
  values.label = "job";
  values.matchers.clear();
  values.limit = 3;
  jobs = store_->LabelValues(values);
  ASSERT_OK(jobs.status());
  EXPECT_EQ(jobs->values, (std::vector<std::string>{"api", "batch", "db"}));
  names.limit = 2;
  got = store_->LabelNames(names);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->values, (std::vector<std::string>{"__name__", "cluster"}));
}

TEST_F(BucketStoreTest, InfoAdvertisesLabelSetsAndRange) {
  StoreInfo info = store_->Info();
  EXPECT_EQ(info.min_time, kFixtureStartMs);
  ASSERT_EQ(info.label_sets.size(), 2u);
  EXPECT_EQ(info.label_sets[0], L({{"cluster", "a"}, {"replica", "r1"}}));
  EXPECT_EQ(info.label_sets[1], L({{"cluster", "b"}}));
}

// A private copy of the fixture bucket with its own store, for tests that change the bucket.
struct CopiedStore {
  explicit CopiedStore(const std::string& from) {
    std::filesystem::copy(from, dir(), std::filesystem::copy_options::recursive);
    bucket = objstore::FilesystemBucket::Open(dir()).value();
    BucketStoreOptions opts;
    opts.load.data_dir = data.path();
    store = std::make_unique<BucketStore>(bucket, AllBlocks(bucket), opts, registry);
  }
  std::string dir() const { return copy.path() + "/b"; }

  testing::TempDir copy = testing::TempDir::Create().value();
  testing::TempDir data = testing::TempDir::Create().value();
  prometheus::Registry registry;
  std::shared_ptr<objstore::Bucket> bucket;
  std::unique_ptr<BucketStore> store;
};

TEST_F(BucketStoreTest, CorruptBlockIsSkippedOthersServe) {
  CopiedStore c(bucket_dir_);
  // Corrupt one block's index TOC.
  std::string victim = std::filesystem::directory_iterator(c.dir())->path().string();
  std::filesystem::resize_file(victim + "/index",
                               std::filesystem::file_size(victim + "/index") - 10);
  ASSERT_OK(c.store->InitialSync());
  EXPECT_EQ(c.store->Blocks().size(), 4u);
  EXPECT_FALSE(std::filesystem::exists(c.data.path() + "/" +
                                       std::filesystem::path(victim).filename().string()));
  SeriesRequest req;
  req.matchers = ParseMatchers({{MatchType::kRegexMatch, "__name__", ".+"}});
  CollectingSink sink(req.min_time, req.max_time);
  EXPECT_OK(c.store->Series(req, sink, nullptr));
  EXPECT_FALSE(sink.series.empty());
}

TEST_F(BucketStoreTest, SyncDropsDeletedBlocks) {
  CopiedStore c(bucket_dir_);
  ASSERT_OK(c.store->InitialSync());
  ASSERT_EQ(c.store->Blocks().size(), 5u);
  auto held = c.store->Blocks().front();  // a query still holding the block
  std::filesystem::remove_all(c.dir() + "/" + held->id());
  ASSERT_OK(c.store->SyncBlocks());
  EXPECT_EQ(c.store->Blocks().size(), 4u);
  EXPECT_FALSE(std::filesystem::exists(c.data.path() + "/" + held->id()));
  auto names = held->index_header().LabelNames();  // still readable by its holder
  EXPECT_OK(names.status());
}

// A start-up whose bucket listing fails part-way keeps the index-headers of the blocks it did not
// see: they are still in the bucket as far as anyone knows, and rebuilding them all on the next
// start is what makes a restart during a bucket outage slow. A complete listing removes them.
TEST_F(BucketStoreTest, IncompleteInitialListingKeepsLocalBlocks) {
  CopiedStore c(bucket_dir_);
  ASSERT_OK(c.store->InitialSync());
  ASSERT_EQ(c.store->Blocks().size(), 5u);
  const std::string unseen = c.store->Blocks().front()->id();
  const std::string unseen_dir = c.data.path() + "/" + unseen;
  ASSERT_TRUE(std::filesystem::exists(unseen_dir));

  MetaSource all = AllBlocks(c.bucket);
  auto restart = [&](bool complete) {
    prometheus::Registry registry;
    BucketStoreOptions opts;
    opts.load.data_dir = c.data.path();
    auto partial = [&all, &unseen, complete] {
      MetaView view = all();
      for (auto it = view.metas.begin(); it != view.metas.end(); ++it) {
        if (it->first.ToString() == unseen) {
          view.metas.erase(it);
          break;
        }
      }
      if (!complete) view.err = absl::UnavailableError("listing the bucket: connection reset");
      return view;
    };
    BucketStore store(c.bucket, partial, opts, registry);
    EXPECT_OK(store.InitialSync());
    EXPECT_EQ(store.Blocks().size(), 4u);
  };
  restart(/*complete=*/false);
  EXPECT_TRUE(std::filesystem::exists(unseen_dir));
  restart(/*complete=*/true);
  EXPECT_FALSE(std::filesystem::exists(unseen_dir));
}

// Bucket failures during a query reach the client as Unavailable naming the block; a block whose
// objects vanished under the query as NotFound; never as a partial answer.
TEST_F(BucketStoreTest, BucketErrorsAreUnavailableAndDeletedBlocksNotFound) {
  testing::TempDir copy = testing::TempDir::Create().value();
  testing::TempDir data = testing::TempDir::Create().value();
  const std::string root = copy.path() + "/b";
  std::filesystem::copy(bucket_dir_, root, std::filesystem::copy_options::recursive);
  auto errors =
      std::make_shared<objstore::ErrorBucket>(objstore::FilesystemBucket::Open(root).value());
  prometheus::Registry registry;
  BucketStoreOptions opts;
  opts.load.data_dir = data.path();
  BucketStore store(errors, AllBlocks(errors), opts, registry);
  ASSERT_OK(store.InitialSync());

  SeriesRequest req;
  req.matchers = ParseMatchers({{MatchType::kRegexMatch, "__name__", ".+"}});
  const std::string victim = store.Blocks().front()->id();
  {
    errors->FailOp(objstore::BucketOp::kGetRange, victim + "/chunks/",
                   absl::UnavailableError("connection reset"));
    CollectingSink sink(req.min_time, req.max_time);
    EXPECT_THAT(store.Series(req, sink, nullptr),
                StatusIs(absl::StatusCode::kUnavailable, "block " + victim + ": chunks: "));
    errors->ClearRules();
  }
  {
    errors->FailOp(objstore::BucketOp::kGetRange, victim + "/index",
                   absl::PermissionDeniedError("403 AccessDenied"));
    CollectingSink sink(req.min_time, req.max_time);
    EXPECT_THAT(store.Series(req, sink, nullptr),
                StatusIs(absl::StatusCode::kUnavailable, "block " + victim));
    LabelValuesRequest lv;
    lv.label = "__name__";
    lv.matchers = req.matchers;
    EXPECT_THAT(store.LabelValues(lv), StatusIs(absl::StatusCode::kUnavailable, victim));
    errors->ClearRules();
  }
  {
    CollectingSink sink(req.min_time, req.max_time);
    ASSERT_OK(store.Series(req, sink, nullptr));  // healthy again
    std::filesystem::remove_all(root + "/" + victim + "/chunks");
    CollectingSink after(req.min_time, req.max_time);
    EXPECT_THAT(store.Series(req, after, nullptr),
                StatusIs(absl::StatusCode::kNotFound, "block " + victim + ": chunks: "));
  }
}

// With the default index cache (in memory), a repeated Series reads no index bytes from the
// bucket: postings, expanded postings and series entries all come from the cache, and the answer
// is the same. A corrupt cached value is a miss, not a wrong answer.
TEST_F(BucketStoreTest, WarmSeriesMakesNoIndexReadsWithTheIndexCache) {
  auto counter = std::make_shared<IndexReadCounter>(bucket_);
  prometheus::Registry registry;
  testing::TempDir data = testing::TempDir::Create().value();
  BucketStoreOptions opts;
  opts.load.data_dir = data.path();
  opts.series_batch_size = 7;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<cache::IndexCache> index_cache,
                       cache::NewDefaultIndexCache(250 << 20, registry));
  opts.index_cache = std::move(index_cache);
  BucketStore store(counter, AllBlocks(counter), opts, registry);
  ASSERT_OK(store.InitialSync());

  for (const auto& ms : {ParseMatchers({{MatchType::kEqual, "__name__", "up"},
                                        {MatchType::kRegexMatch, "job", "api|db"}}),
                         ParseMatchers({{MatchType::kRegexMatch, "__name__", ".+"}}),
                         ParseMatchers({{MatchType::kEqual, "__name__", "http_requests_total"},
                                        {MatchType::kNotEqual, "code", "200"}})}) {
    SeriesRequest req;
    req.min_time = kFixtureStartMs;
    req.max_time = kFixtureStartMs + 3 * kTwoHoursMs;
    req.matchers = ms;
    counter->Reset();
    CollectingSink cold(req.min_time, req.max_time);
    ASSERT_OK(store.Series(req, cold, nullptr));
    EXPECT_GT(counter->index_reads(), 0);
    const int64_t cold_chunk_reads = counter->other_reads();

    counter->Reset();
    CollectingSink warm(req.min_time, req.max_time);
    ASSERT_OK(store.Series(req, warm, nullptr));
    EXPECT_EQ(counter->index_reads(), 0);
    EXPECT_EQ(counter->other_reads(), cold_chunk_reads);  // chunks are not the index cache's job
    ASSERT_EQ(warm.series.size(), cold.series.size());
    for (size_t i = 0; i < warm.series.size(); ++i) {
      EXPECT_EQ(warm.series[i].labels, cold.series[i].labels);
      EXPECT_EQ(warm.series[i].samples, cold.series[i].samples);
    }
  }
  EXPECT_GT(registry.Collect().size(), 0u);
}

// What a shared cache may hold under series keys: values another writer garbled. Postings and
// expanded postings pass through.
class GarblingSeriesCache final : public cache::Cache {
 public:
  explicit GarblingSeriesCache(std::unique_ptr<cache::Cache> inner) : inner_(std::move(inner)) {}
  void Store(std::vector<cache::CacheItem> items, absl::Duration ttl) override {
    inner_->Store(std::move(items), ttl);
  }
  absl::flat_hash_map<std::string, std::string> Fetch(
      const std::vector<std::string>& keys) override {
    absl::flat_hash_map<std::string, std::string> found = inner_->Fetch(keys);
    for (auto& [key, value] : found) {
      if (garble_ && key.starts_with("S:")) value = "garbage";
    }
    return found;
  }
  std::string Name() const override { return inner_->Name(); }
  void Garble() { garble_ = true; }

 private:
  std::unique_ptr<cache::Cache> inner_;
  std::atomic<bool> garble_ = false;
};

// A cached series entry that does not decode is a miss: the entry is read from the bucket, the
// answer is the same, and one line names the block and the item type.
TEST_F(BucketStoreTest, AnUndecodableCachedSeriesEntryIsAMissLoggedWithBlockAndItemType) {
  auto counter = std::make_shared<IndexReadCounter>(bucket_);
  prometheus::Registry registry;
  testing::TempDir data = testing::TempDir::Create().value();
  BucketStoreOptions opts;
  opts.load.data_dir = data.path();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<cache::InMemoryIndexCache> memory,
                       cache::InMemoryIndexCache::Create({}, registry));
  auto garbling = std::make_unique<GarblingSeriesCache>(std::move(memory));
  GarblingSeriesCache* garble = garbling.get();
  opts.index_cache = std::make_unique<cache::IndexCache>(std::move(garbling),
                                                         cache::IndexCacheOptions{}, registry);
  BucketStore store(counter, AllBlocks(counter), opts, registry);
  ASSERT_OK(store.InitialSync());

  SeriesRequest req;
  req.min_time = kFixtureStartMs;
  req.max_time = kFixtureStartMs + 3 * kTwoHoursMs;
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  CollectingSink cold(req.min_time, req.max_time);
  ASSERT_OK(store.Series(req, cold, nullptr));
  ASSERT_FALSE(cold.series.empty());

  garble->Garble();
  std::ostringstream log;
  base::InitLogging(base::LogOptions{}, &log);
  counter->Reset();
  CollectingSink warm(req.min_time, req.max_time);
  absl::Status status = store.Series(req, warm, nullptr);
  base::InitLogging(base::LogOptions{});
  ASSERT_OK(status);
  EXPECT_GT(counter->index_reads(), 0);  // the series entries, from the bucket again
  ASSERT_EQ(warm.series.size(), cold.series.size());
  for (size_t i = 0; i < warm.series.size(); ++i) {
    EXPECT_EQ(warm.series[i].labels, cold.series[i].labels);
    EXPECT_EQ(warm.series[i].samples, cold.series[i].samples);
  }
  const std::string text = log.str();
  size_t first = text.find("index cache entry does not decode");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("does not decode", text.find('\n', first)), std::string::npos)
      << text;  // rate-limited
  const std::string line = text.substr(first, text.find('\n', first) - first);
  EXPECT_NE(line.find("item_type=Series"), std::string::npos) << line;
  bool names_a_block = false;
  for (const auto& b : store.Blocks())
    names_a_block |= line.find("block=" + b->id()) != std::string::npos;
  EXPECT_TRUE(names_a_block) << line;
}

}  // namespace
}  // namespace charon::store
