#include "objstore/metrics_bucket.h"

#include "absl/time/clock.h"

namespace charon::objstore {
namespace {

const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120};

// 32 KiB doubling to 1 GiB.
prometheus::Histogram::BucketBoundaries SizeBuckets() {
  prometheus::Histogram::BucketBoundaries b;
  for (double v = 32 * 1024; v <= 1024.0 * 1024 * 1024; v *= 2) b.push_back(v);
  return b;
}

}  // namespace

MetricsBucket::MetricsBucket(std::shared_ptr<Bucket> inner, std::string bucket_label,
                             prometheus::Registry& registry)
    : InterceptingBucket(std::move(inner)) {
  auto& calls = prometheus::BuildCounter()
                    .Name("thanos_objstore_bucket_operations_total")
                    .Help("Total number of all attempted operations against a bucket.")
                    .Register(registry);
  auto& failures = prometheus::BuildCounter()
                       .Name("thanos_objstore_bucket_operation_failures_total")
                       .Help(
                           "Total number of operations against a bucket that failed, but were "
                           "not expected to fail in certain way from caller perspective.")
                       .Register(registry);
  auto& duration = prometheus::BuildHistogram()
                       .Name("thanos_objstore_bucket_operation_duration_seconds")
                       .Help("Duration of successful operations against the remote storage.")
                       .Register(registry);
  auto& fetched = prometheus::BuildCounter()
                      .Name("thanos_objstore_bucket_operation_fetched_bytes_total")
                      .Help("Total number of bytes fetched from bucket, per operation.")
                      .Register(registry);
  auto& transferred = prometheus::BuildHistogram()
                          .Name("thanos_objstore_bucket_operation_transferred_bytes")
                          .Help("Number of bytes transferred from/to bucket per operation.")
                          .Register(registry);
  const prometheus::Histogram::BucketBoundaries sizes = SizeBuckets();
  for (int i = 0; i < kNumBucketOps; ++i) {
    const auto op = static_cast<BucketOp>(i);
    const std::map<std::string, std::string> labels = {
        {"bucket", bucket_label}, {"operation", std::string(BucketOpName(op))}};
    OpMetrics& m = ops_[i];
    m.calls = &calls.Add(labels);
    m.failures = &failures.Add(labels);
    m.duration = &duration.Add(labels, kDurationBuckets);
    if (op == BucketOp::kGet || op == BucketOp::kGetRange) {
      m.fetched_bytes = &fetched.Add(labels);
      m.transferred_bytes = &transferred.Add(labels, sizes);
    }
  }
}

void MetricsBucket::After(BucketOp op, const absl::Status& status, int64_t bytes,
                          absl::Duration elapsed) {
  OpMetrics& m = ops_[static_cast<size_t>(op)];
  m.calls->Increment();
  if (status.ok()) {
    m.duration->Observe(absl::ToDoubleSeconds(elapsed));
    if (bytes >= 0 && m.fetched_bytes != nullptr) {
      m.fetched_bytes->Increment(static_cast<double>(bytes));
      m.transferred_bytes->Observe(static_cast<double>(bytes));
    }
  } else if (!absl::IsNotFound(status)) {
    m.failures->Increment();
  }
}

}  // namespace charon::objstore
