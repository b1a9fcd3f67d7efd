#include "block/meta_fetcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "base/logging.h"
#include "block/block_test_util.h"
#include "block/consistency_delay_filter.h"
#include "block/deduplicate_filter.h"
#include "block/ignore_deletion_mark_filter.h"
#include "block/label_sharded_filter.h"
#include "block/time_partition_filter.h"
#include "objstore/bucket_wrapper.h"
#include "objstore/error_bucket.h"
#include "testing/status_matchers.h"

namespace charon::block {
namespace {

using ::charon::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
const uint64_t kOldMs = static_cast<uint64_t>(absl::ToUnixMillis(kNow - absl::Hours(72)));

base::Ulid OldUlid(uint64_t seed) { return base::Ulid::FromTime(kOldMs + seed, seed); }

std::vector<base::Ulid> Keys(const MetaMap& m) {
  std::vector<base::Ulid> out;
  for (const auto& [id, meta] : m) out.push_back(id);
  return out;
}

// Value of the sample of `name` whose labels include `label`=`value` ("" = any).
double MetricValue(const prometheus::Registry& registry, const std::string& name,
                   const std::string& label = "", const std::string& value = "") {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      bool match = label.empty();
      for (const auto& l : m.label) match |= l.name == label && l.value == value;
      if (!match) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return m.counter.value;
        case prometheus::MetricType::Gauge:
          return m.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(m.histogram.sample_count);
        default:
          return -1;
      }
    }
  }
  return -1;
}

class MetaFetcherTest : public ::testing::Test {
 protected:
  void PutBlock(const testutil::MetaSpec& spec) {
    testutil::MustWriteFile(BlockPath(spec.id, "meta.json"), testutil::MetaJson(spec));
    testutil::MustWriteFile(BlockPath(spec.id, "index"), "index");
  }
  void PutObject(const base::Ulid& id, const std::string& file, std::string_view contents) {
    testutil::MustWriteFile(BlockPath(id, file), contents);
  }
  std::string BlockPath(const base::Ulid& id, const std::string& file) const {
    return bucket_dir_.Path(id.ToString() + "/" + file);
  }
  void RemoveBlock(const base::Ulid& id) {
    std::filesystem::remove_all(bucket_dir_.Path(id.ToString()));
  }
  std::string CachedMeta(const base::Ulid& id) const {
    return data_dir_.Path("meta-syncer/" + id.ToString() + "/meta.json");
  }

  std::unique_ptr<MetaFetcher> NewFetcher(objstore::Bucket& bucket,
                                          std::vector<std::shared_ptr<MetaFilter>> filters = {},
                                          prometheus::Registry* registry = nullptr) {
    MetaFetcherOptions options{.concurrency = 4,
                               .data_dir = data_dir_.path(),
                               .filters = std::move(filters),
                               .clock = clock_.AsClock()};
    auto fetcher = MetaFetcher::Create(bucket, std::move(options),
                                       registry != nullptr ? *registry : registry_);
    EXPECT_OK(fetcher);
    return fetcher.ok() ? *std::move(fetcher) : nullptr;
  }

  charon::testing::TempDir bucket_dir_ = testutil::NewTempDir();
  charon::testing::TempDir data_dir_ = testutil::NewTempDir();
  std::unique_ptr<objstore::Bucket> bucket_ = testutil::NewBucket(bucket_dir_.path());
  testutil::FakeClock clock_{kNow};
  prometheus::Registry registry_;
};

TEST_F(MetaFetcherTest, EmptyBucketIsCompleteAndEmpty) {
  auto fetcher = NewFetcher(*bucket_);
  FetchResult r = fetcher->Fetch();
  EXPECT_OK(r.err);
  EXPECT_TRUE(r.metas.empty());
  EXPECT_TRUE(r.partial.empty());
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_syncs_total"), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_sync_failures_total"), 0);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_sync_duration_seconds"), 1);
}

TEST_F(MetaFetcherTest, ClassifiesPartialAndCorruptedMetasAndIgnoresNonBlocks) {
  base::Ulid good = OldUlid(1), partial = OldUlid(2), corrupt = OldUlid(3);
  PutBlock({.id = good});
  PutObject(partial, "index", "index");
  PutObject(partial, "chunks/000001", "c");
  PutObject(corrupt, "meta.json", testutil::MetaJson({.id = corrupt}).substr(0, 30));
  testutil::MustWriteFile(bucket_dir_.Path("debug/metas/" + good.ToString() + ".json"), "{}");
  testutil::MustWriteFile(bucket_dir_.Path("not-a-block/meta.json"), "{}");
  testutil::MustWriteFile(bucket_dir_.Path("README"), "hi");

  auto fetcher = NewFetcher(*bucket_);
  FetchResult r = fetcher->Fetch();
  EXPECT_OK(r.err);  // partial blocks do not make the view incomplete
  EXPECT_THAT(Keys(r.metas), ElementsAre(good));
  ASSERT_EQ(r.partial.size(), 2u);
  EXPECT_THAT(r.partial.at(partial), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(r.partial.at(corrupt), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ(r.synced.Get(kNoMetaState), 1);
  EXPECT_EQ(r.synced.Get(kCorruptedMetaState), 1);
  EXPECT_EQ(r.synced.Get(kFailedState), 0);
  EXPECT_EQ(r.synced.Get(kLoadedState), 1);

  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "no-meta-json"), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "corrupted-meta-json"), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "loaded"), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "failed"), 0);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "parquet-migrated"), 0);
  EXPECT_EQ(
      MetricValue(registry_, "thanos_blocks_meta_modified", "modified", "replica-label-removed"),
      0);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_sync_failures_total"), 0);
}

TEST_F(MetaFetcherTest, MetaNamingAnotherBlockIsCorruptCountedAndLogged) {
  // The meta.json under `genuine`'s directory names `other`, an existing block: neither block may
  // be hidden or served under the other's labels.
  base::Ulid genuine = OldUlid(1), other = OldUlid(2);
  PutBlock({.id = other, .labels = {{"cluster", "b"}}});
  PutBlock({.id = genuine, .labels = {{"cluster", "a"}}});
  PutObject(genuine, "meta.json", testutil::MetaJson({.id = other, .labels = {{"cluster", "b"}}}));

  std::ostringstream log;
  base::InitLogging({}, &log);
  auto fetcher = NewFetcher(*bucket_);
  FetchResult r = fetcher->Fetch();
  base::InitLogging({});

  EXPECT_OK(r.err);
  EXPECT_THAT(Keys(r.metas), ElementsAre(other));
  EXPECT_EQ(r.metas.at(other)->ulid, other);
  ASSERT_EQ(r.partial.count(genuine), 1u);
  EXPECT_THAT(r.partial.at(genuine), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(r.partial.at(genuine).message()),
              AllOf(HasSubstr(genuine.ToString()), HasSubstr(other.ToString())));
  EXPECT_EQ(r.synced.Get(kCorruptedMetaState), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "corrupted-meta-json"), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "loaded"), 1);
  EXPECT_THAT(log.str(), AllOf(HasSubstr("level=warn"), HasSubstr("block=" + genuine.ToString()),
                               HasSubstr("meta_ulid=" + other.ToString())));
  // Nothing of the rejected copy is kept locally.
  EXPECT_FALSE(testutil::FileExists(CachedMeta(genuine)));
}

TEST_F(MetaFetcherTest, LocalCopyNamingAnotherBlockIsReplacedFromBucket) {
  base::Ulid id = OldUlid(1), other = OldUlid(2);
  PutBlock({.id = id});
  testutil::MustWriteFile(CachedMeta(id), testutil::MetaJson({.id = other}));
  auto fetcher = NewFetcher(*bucket_);
  FetchResult r = fetcher->Fetch();
  EXPECT_OK(r.err);
  ASSERT_THAT(Keys(r.metas), ElementsAre(id));
  EXPECT_EQ(r.metas.at(id)->ulid, id);
}

TEST_F(MetaFetcherTest, Version2MetaMakesTheViewIncomplete) {
  base::Ulid good = OldUlid(1), v2 = OldUlid(2);
  PutBlock({.id = good});
  PutBlock({.id = v2, .version = 2});
  auto fetcher = NewFetcher(*bucket_);
  FetchResult r = fetcher->Fetch();
  EXPECT_THAT(r.err, StatusIs(absl::StatusCode::kFailedPrecondition, "incomplete view"));
  EXPECT_THAT(Keys(r.metas), ElementsAre(good));
  EXPECT_THAT(r.partial.at(v2), StatusIs(absl::StatusCode::kFailedPrecondition, "version: 2"));
  EXPECT_EQ(r.synced.Get(kFailedState), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "failed"), 1);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_sync_failures_total"), 1);
  EXPECT_FALSE(testutil::FileExists(CachedMeta(v2)));
}

TEST_F(MetaFetcherTest, BucketErrorMakesTheViewIncomplete) {
  base::Ulid good = OldUlid(1), flaky = OldUlid(2);
  PutBlock({.id = good});
  PutBlock({.id = flaky});
  objstore::ErrorBucket errors(bucket_.get());
  errors.FailOp(objstore::BucketOp::kGet, flaky.ToString() + "/meta.json",
                absl::UnavailableError("503 slow down"));
  auto fetcher = NewFetcher(errors);
  FetchResult r = fetcher->Fetch();
  EXPECT_THAT(r.err, StatusIs(absl::StatusCode::kUnavailable, "503 slow down"));
  EXPECT_THAT(Keys(r.metas), ElementsAre(good));
  EXPECT_EQ(r.synced.Get(kFailedState), 1);
}

TEST_F(MetaFetcherTest, SecondFetchUsesMemoryThenDiskCache) {
  std::vector<base::Ulid> ids = {OldUlid(1), OldUlid(2), OldUlid(3)};
  for (const base::Ulid& id : ids) PutBlock({.id = id});
  testutil::GetCountingBucket counting(*bucket_);

  auto first = NewFetcher(counting);
  FetchResult r1 = first->Fetch();
  ASSERT_OK(r1.err);
  EXPECT_EQ(counting.TotalGets(), 3);
  for (const base::Ulid& id : ids) EXPECT_TRUE(testutil::FileExists(CachedMeta(id)));

  counting.Reset();
  FetchResult r2 = first->Fetch();  // in-memory cache
  ASSERT_OK(r2.err);
  EXPECT_EQ(counting.TotalGets(), 0);
  EXPECT_EQ(r2.metas.at(ids[0]), r1.metas.at(ids[0]));

  // A restarted store: fresh process state, same data dir.
  base::Ulid added = OldUlid(4);
  PutBlock({.id = added});
  counting.Reset();
  prometheus::Registry registry2;
  auto second = NewFetcher(counting, {}, &registry2);
  FetchResult r3 = second->Fetch();
  ASSERT_OK(r3.err);
  EXPECT_THAT(Keys(r3.metas), ElementsAre(ids[0], ids[1], ids[2], added));
  for (const base::Ulid& id : ids) EXPECT_EQ(counting.Gets(id.ToString() + "/meta.json"), 0);
  EXPECT_EQ(counting.Gets(added.ToString() + "/meta.json"), 1);
  EXPECT_EQ(r3.metas.at(ids[1])->raw_json, r1.metas.at(ids[1])->raw_json);
}

TEST_F(MetaFetcherTest, CorruptDiskCopyIsReplacedFromBucket) {
  base::Ulid id = OldUlid(1);
  PutBlock({.id = id, .min_time = 11});
  testutil::MustWriteFile(CachedMeta(id), "{not json");
  testutil::GetCountingBucket counting(*bucket_);
  auto fetcher = NewFetcher(counting);
  FetchResult r = fetcher->Fetch();
  ASSERT_OK(r.err);
  EXPECT_EQ(r.metas.at(id)->min_time, 11);
  EXPECT_EQ(counting.Gets(id.ToString() + "/meta.json"), 1);
  ASSERT_OK_AND_ASSIGN(tsdb::BlockMeta cached,
                       MetaDiskCache(data_dir_.Path("meta-syncer")).Read(id));
  EXPECT_EQ(cached.min_time, 11);
}

TEST_F(MetaFetcherTest, OnlyCompleteViewsDropCachedMetas) {
  base::Ulid stays = OldUlid(1), goes = OldUlid(2), flaky = OldUlid(3);
  PutBlock({.id = stays});
  PutBlock({.id = goes});
  objstore::ErrorBucket errors(bucket_.get());
  auto fetcher = NewFetcher(errors);
  ASSERT_OK(fetcher->Fetch().err);
  ASSERT_TRUE(testutil::FileExists(CachedMeta(goes)));

  RemoveBlock(goes);
  PutBlock({.id = flaky});
  errors.FailOp(objstore::BucketOp::kGet, flaky.ToString() + "/meta.json",
                absl::UnavailableError("down"));
  FetchResult incomplete = fetcher->Fetch();
  EXPECT_FALSE(incomplete.err.ok());
  EXPECT_THAT(Keys(incomplete.metas), ElementsAre(stays));
  EXPECT_TRUE(testutil::FileExists(CachedMeta(goes)));  // not cleaned on an incomplete view

  errors.ClearRules();
  FetchResult complete = fetcher->Fetch();
  ASSERT_OK(complete.err);
  EXPECT_THAT(Keys(complete.metas), ElementsAre(stays, flaky));
  EXPECT_FALSE(testutil::FileExists(CachedMeta(goes)));
  EXPECT_TRUE(testutil::FileExists(CachedMeta(stays)));
  EXPECT_TRUE(testutil::FileExists(CachedMeta(flaky)));
}

TEST_F(MetaFetcherTest, ListingErrorFailsTheFetch) {
  base::Ulid id = OldUlid(1);
  PutBlock({.id = id});
  objstore::ErrorBucket failing(bucket_.get());
  failing.FailOp(objstore::BucketOp::kIter, "", absl::UnavailableError("list failed"));
  auto fetcher = NewFetcher(failing);
  FetchResult r = fetcher->Fetch();
  EXPECT_THAT(r.err, StatusIs(absl::StatusCode::kUnavailable, "listing blocks"));
  EXPECT_TRUE(r.metas.empty());
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_sync_failures_total"), 1);
}

TEST_F(MetaFetcherTest, FilterErrorFailsTheFetch) {
  base::Ulid id = OldUlid(1);
  PutBlock({.id = id});
  PutObject(id, "deletion-mark.json", R"({"version":9,"deletion_time":1})");
  auto marks = std::make_shared<IgnoreDeletionMarkFilter>(
      *bucket_, IgnoreDeletionMarkFilterOptions{.clock = clock_.AsClock()});
  auto fetcher = NewFetcher(*bucket_, {marks});
  FetchResult r = fetcher->Fetch();
  EXPECT_THAT(r.err, StatusIs(absl::StatusCode::kFailedPrecondition, "filter metas"));
  EXPECT_TRUE(r.metas.empty());
  EXPECT_TRUE(r.partial.empty());
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_sync_failures_total"), 1);
}

TEST_F(MetaFetcherTest, FiltersRunInThanosOrderAndCountStates) {
  const int64_t hour_ms = 3'600'000;
  const int64_t now_ms = absl::ToUnixMillis(kNow);
  // Blocks cover [now-60h, now-58h) unless stated; ULIDs are 72h old unless fresh. Filters:
  // --min-time=-72h --max-time=0s, drop zone=b, 30m consistency delay, 24h deletion delay.
  auto spec = [&](base::Ulid id) {
    return testutil::MetaSpec{
        .id = id, .min_time = now_ms - 60 * hour_ms, .max_time = now_ms - 58 * hour_ms};
  };
  base::Ulid kept = OldUlid(1);
  base::Ulid too_old = OldUlid(2);      // ends before --min-time=-72h
  base::Ulid other_shard = OldUlid(3);  // zone=b, dropped by the relabel rule
  base::Ulid fresh = base::Ulid::FromTime(static_cast<uint64_t>(now_ms - 60'000), 4);
  base::Ulid fresh_compacted = base::Ulid::FromTime(static_cast<uint64_t>(now_ms - 60'000), 5);
  base::Ulid deleted = OldUlid(6);          // marked 25h ago
  base::Ulid recently_marked = OldUlid(7);  // marked 1h ago: still served
  base::Ulid source = OldUlid(8);           // source of fresh_compacted: duplicate

  PutBlock(spec(kept));
  auto old_spec = spec(too_old);
  old_spec.min_time = now_ms - 100 * hour_ms;
  old_spec.max_time = now_ms - 98 * hour_ms;
  PutBlock(old_spec);
  auto shard_spec = spec(other_shard);
  shard_spec.labels = {{"zone", "b"}};
  PutBlock(shard_spec);
  PutBlock(spec(fresh));
  auto compacted = spec(fresh_compacted);
  compacted.source = "compactor";
  compacted.sources = {source, kept};
  // Dedup only looks within a group; put the compacted block and its source in zone=c.
  compacted.labels = {{"zone", "c"}};
  PutBlock(compacted);
  PutBlock(spec(deleted));
  PutObject(deleted, "deletion-mark.json",
            testutil::DeletionMarkJson(deleted, absl::ToUnixSeconds(kNow - absl::Hours(25))));
  PutBlock(spec(recently_marked));
  PutObject(
      recently_marked, "deletion-mark.json",
      testutil::DeletionMarkJson(recently_marked, absl::ToUnixSeconds(kNow - absl::Hours(1))));
  auto source_spec = spec(source);
  source_spec.labels = {{"zone", "c"}};
  PutBlock(source_spec);

  ASSERT_OK_AND_ASSIGN(RelabelConfig relabel,
                       RelabelConfig::Parse("- action: drop\n  source_labels: [zone]\n"
                                            "  regex: b\n"));
  ASSERT_OK_AND_ASSIGN(std::shared_ptr<ConsistencyDelayFilter> delay,
                       ConsistencyDelayFilter::Create(
                           {.delay = absl::Minutes(30), .clock = clock_.AsClock()}, registry_));
  auto marks = std::make_shared<IgnoreDeletionMarkFilter>(
      *bucket_, IgnoreDeletionMarkFilterOptions{
                    .delay = absl::Hours(24), .concurrency = 4, .clock = clock_.AsClock()});
  auto dedup = std::make_shared<DeduplicateFilter>();
  std::vector<std::shared_ptr<MetaFilter>> filters = {
      std::make_shared<TimePartitionFilter>(TimePartitionFilterOptions{
          .min_time = RelativeTimeBound(absl::Hours(-72), clock_.AsClock()),
          .max_time = RelativeTimeBound(absl::ZeroDuration(), clock_.AsClock())}),
      std::make_shared<LabelShardedFilter>(std::move(relabel)),
      delay,
      marks,
      dedup,
  };
  auto fetcher = NewFetcher(*bucket_, filters);
  FetchResult r = fetcher->Fetch();
  ASSERT_OK(r.err);
  EXPECT_THAT(Keys(r.metas), UnorderedElementsAre(kept, fresh_compacted, recently_marked));
  EXPECT_EQ(r.synced.Get(kTimeExcludedState), 1);
  EXPECT_EQ(r.synced.Get(kLabelExcludedState), 1);
  EXPECT_EQ(r.synced.Get(kTooFreshState), 1);
  EXPECT_EQ(r.synced.Get(kMarkedForDeletionState), 1);
  EXPECT_EQ(r.synced.Get(kDuplicateState), 1);
  EXPECT_EQ(r.synced.Get(kLoadedState), 3);
  for (const auto& [state, n] : {std::pair{"time-excluded", 1},
                                 {"label-excluded", 1},
                                 {"too-fresh", 1},
                                 {"marked-for-deletion", 1},
                                 {"duplicate", 1},
                                 {"loaded", 3}}) {
    EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", state), n) << state;
  }
  EXPECT_EQ(marks->DeletionMarks().size(), 2u);
  EXPECT_THAT(dedup->DuplicateIds(), ElementsAre(source));

  // Six hours on, the fresh block is past the consistency delay while the young mark is still
  // within its 24h; the too-fresh state, no longer seen, drops back to 0.
  clock_.Advance(absl::Hours(6));
  FetchResult later = fetcher->Fetch();
  ASSERT_OK(later.err);
  EXPECT_THAT(Keys(later.metas),
              UnorderedElementsAre(kept, fresh, fresh_compacted, recently_marked));
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "too-fresh"), 0);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_synced", "state", "loaded"), 4);
}

TEST_F(MetaFetcherTest, ConcurrentFetchesNeverOverlap) {
  for (uint64_t i = 0; i < 8; ++i) PutBlock({.id = OldUlid(i)});
  // Records how many listings run at once.
  class OverlapBucket final : public objstore::BucketWrapper {
   public:
    explicit OverlapBucket(objstore::Bucket& inner) : BucketWrapper(&inner) {}
    absl::Status Iter(std::string_view dir, const std::function<absl::Status(std::string_view)>& fn,
                      objstore::IterOptions options) override {
      int now = ++active_;
      int seen = max_.load();
      while (now > seen && !max_.compare_exchange_weak(seen, now)) {
      }
      ++calls_;
      // Extra listings widen the window in which an unserialized fetch would overlap.
      for (int i = 0; i < 20; ++i) {
        (void)BucketWrapper::Iter(
            dir, [](std::string_view) { return absl::OkStatus(); }, options);
      }
      absl::Status s = BucketWrapper::Iter(dir, fn, options);
      --active_;
      return s;
    }
    int max() const { return max_.load(); }
    int calls() const { return calls_.load(); }

   private:
    std::atomic<int> active_{0}, max_{0}, calls_{0};
  } overlap(*bucket_);

  auto fetcher = NewFetcher(overlap);
  constexpr int kThreads = 4, kFetches = 25;
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kFetches; ++i) {
        FetchResult r = fetcher->Fetch();
        if (!r.err.ok() || r.metas.size() != 8) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(overlap.max(), 1);
  EXPECT_LE(overlap.calls(), kThreads * kFetches);
  EXPECT_EQ(MetricValue(registry_, "thanos_blocks_meta_syncs_total"), overlap.calls());
}

TEST(MetaFetcherCreate, RejectsNonPositiveConcurrency) {
  charon::testing::TempDir dir = testutil::NewTempDir();
  auto bucket = testutil::NewBucket(dir.path());
  prometheus::Registry registry;
  EXPECT_THAT(MetaFetcher::Create(*bucket, {.concurrency = 0}, registry),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace charon::block
