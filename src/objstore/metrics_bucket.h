// MetricsBucket: the decorator that gives every bucket Thanos' object-store metrics, labelled
// {bucket, operation} with the operation names of bucket_op.h:
//   thanos_objstore_bucket_operations_total            calls started
//   thanos_objstore_bucket_operation_failures_total    calls that failed (NotFound is an expected
//                                                      answer, not a failure, as upstream counts
//                                                      it)
//   thanos_objstore_bucket_operation_duration_seconds  histogram of call latency
//   thanos_objstore_bucket_operation_fetched_bytes_total  bytes returned by get / get_range
//   thanos_objstore_bucket_operation_transferred_bytes histogram of bytes per get / get_range
// Every series exists (at 0) from construction, so dashboards see them before the first call.
// Thread-safe; the metrics live in the registry passed in, which must outlive the bucket.
#ifndef CHARON_OBJSTORE_METRICS_BUCKET_H_
#define CHARON_OBJSTORE_METRICS_BUCKET_H_

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <string>

#include "objstore/bucket.h"
#include "objstore/bucket_op.h"
#include "objstore/intercepting_bucket.h"

namespace charon::objstore {

class MetricsBucket final : public InterceptingBucket {
 public:
  // `bucket_label` is the value of the `bucket` label (Thanos uses the bucket's name, e.g. the S3
  // bucket or the filesystem directory).
  MetricsBucket(std::shared_ptr<Bucket> inner, std::string bucket_label,
                prometheus::Registry& registry);

 private:
  struct OpMetrics {
    prometheus::Counter* calls = nullptr;
    prometheus::Counter* failures = nullptr;
    prometheus::Histogram* duration = nullptr;
    prometheus::Counter* fetched_bytes = nullptr;        // get and get_range only
    prometheus::Histogram* transferred_bytes = nullptr;  // get and get_range only
  };
  // Counts the outcome of one finished call.
  void After(BucketOp op, const absl::Status& status, int64_t bytes,
             absl::Duration elapsed) override;

  std::array<OpMetrics, kNumBucketOps> ops_;
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_METRICS_BUCKET_H_
