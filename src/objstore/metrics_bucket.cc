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
    : inner_(std::move(inner)) {
  auto& calls = prometheus::BuildCounter()
                    .Name("thanos_objstore_bucket_operations_total")
                    .Help("Total number of all attempted operations against a bucket.")
                    .Register(registry);
  auto& failures = prometheus::BuildCounter()
                       .Name("thanos_objstore_bucket_operation_failures_total")
                       .Help("Total number of operations against a bucket that failed, but were "
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
    const std::map<std::string, std::string> labels = {{"bucket", bucket_label},
                                                       {"operation", std::string(BucketOpName(op))}};
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

void MetricsBucket::Done(BucketOp op, absl::Time start, const absl::Status& status,
                         int64_t bytes) {
  OpMetrics& m = ops_[static_cast<size_t>(op)];
  m.calls->Increment();
  if (status.ok()) {
    m.duration->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    if (bytes >= 0 && m.fetched_bytes != nullptr) {
      m.fetched_bytes->Increment(static_cast<double>(bytes));
      m.transferred_bytes->Observe(static_cast<double>(bytes));
    }
  } else if (!absl::IsNotFound(status)) {
    m.failures->Increment();
  }
}

absl::Status MetricsBucket::Iter(std::string_view dir,
                                 const std::function<absl::Status(std::string_view name)>& fn,
                                 IterOptions options) {
  const absl::Time start = absl::Now();
  absl::Status s = inner_->Iter(dir, fn, options);
  Done(BucketOp::kIter, start, s);
  return s;
}

absl::StatusOr<std::string> MetricsBucket::Get(std::string_view name) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> r = inner_->Get(name);
  Done(BucketOp::kGet, start, r.status(), r.ok() ? static_cast<int64_t>(r->size()) : -1);
  return r;
}

absl::StatusOr<std::string> MetricsBucket::GetRange(std::string_view name, int64_t offset,
                                                    int64_t length) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> r = inner_->GetRange(name, offset, length);
  Done(BucketOp::kGetRange, start, r.status(), r.ok() ? static_cast<int64_t>(r->size()) : -1);
  return r;
}

absl::StatusOr<bool> MetricsBucket::Exists(std::string_view name) {
  const absl::Time start = absl::Now();
  absl::StatusOr<bool> r = inner_->Exists(name);
  Done(BucketOp::kExists, start, r.status());
  return r;
}

absl::StatusOr<ObjectAttributes> MetricsBucket::Attributes(std::string_view name) {
  const absl::Time start = absl::Now();
  absl::StatusOr<ObjectAttributes> r = inner_->Attributes(name);
  Done(BucketOp::kAttributes, start, r.status());
  return r;
}

}  // namespace charon::objstore
