#include "objstore/metrics_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "objstore/bucket_conformance.h"
#include "objstore/error_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::objstore {
namespace {

// The value of `name`{operation=`op`} (counter, or a histogram's sample count), -1 if absent.
double Value(prometheus::Registry& registry, const std::string& name, const std::string& op) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      for (const auto& l : m.label) {
        if (l.name != "operation" || l.value != op) continue;
        if (family.type == prometheus::MetricType::Histogram) {
          return static_cast<double>(m.histogram.sample_count);
        }
        return m.counter.value;
      }
    }
  }
  return -1;
}

absl::StatusOr<std::unique_ptr<Bucket>> MakeMetrics(const ObjectMap& objects,
                                                    const std::string& scratch) {
  static prometheus::Registry registry;  // outlives every bucket of the suite
  absl::Status s = WriteObjects(scratch, objects);
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<FilesystemBucket>> fs = FilesystemBucket::Open(scratch);
  if (!fs.ok()) return fs.status();
  return std::unique_ptr<Bucket>(
      new MetricsBucket(std::shared_ptr<Bucket>(std::move(*fs)), "conformance", registry));
}

INSTANTIATE_TEST_SUITE_P(Metrics, BucketConformanceTest,
                         ::testing::Values(BucketConformanceParam{"MetricsOverFilesystem",
                                                                  MakeMetrics}),
                         BucketConformanceParamName);

TEST(MetricsBucket, CountsCallsFailuresBytesAndNotFoundIsNoFailure) {
  testing::TempDir dir = testing::TempDir::Create().value();
  ASSERT_OK(WriteObjects(dir.path(), {{"b/meta.json", "{}"}, {"b/chunks/000001", "0123456789"}}));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<FilesystemBucket> fs, FilesystemBucket::Open(dir.path()));
  auto errors = std::make_shared<ErrorBucket>(std::move(fs));
  errors->FailOp(BucketOp::kGetRange, "broken", absl::UnavailableError("disk gone"));
  prometheus::Registry registry;
  MetricsBucket bucket(errors, "blocks", registry);

  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operations_total", "get_range"), 0)
      << "series exist before the first call";
  ASSERT_OK(bucket.Get("b/meta.json").status());
  ASSERT_OK(bucket.GetRange("b/chunks/000001", 2, 5).status());
  EXPECT_THAT(bucket.GetRange("broken", 0, 1), testing::StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(bucket.Get("b/missing"), testing::StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK(bucket.Exists("b/meta.json").status());
  ASSERT_OK(bucket.Iter("", [](std::string_view) { return absl::OkStatus(); }));

  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operations_total", "get"), 2);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operations_total", "get_range"), 2);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operations_total", "exists"), 1);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operations_total", "iter"), 1);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operation_failures_total", "get_range"), 1);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operation_failures_total", "get"), 0)
      << "NotFound is an answer, not a failure";
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operation_fetched_bytes_total", "get_range"),
            5);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operation_fetched_bytes_total", "get"), 2);
  EXPECT_EQ(Value(registry, "thanos_objstore_bucket_operation_duration_seconds", "get_range"), 1)
      << "only successful calls are timed";
}

}  // namespace
}  // namespace charon::objstore
