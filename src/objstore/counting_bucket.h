// CountingBucket: a test decorator that counts calls per operation and the bytes returned, so
// tests can assert how many requests a cache or planner let through to the backend.
//
// Calls are counted when they start, whatever their outcome. Counters are atomics: thread-safe.
#ifndef CHARON_OBJSTORE_COUNTING_BUCKET_H_
#define CHARON_OBJSTORE_COUNTING_BUCKET_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "objstore/bucket.h"
#include "objstore/bucket_op.h"
#include "objstore/intercepting_bucket.h"

namespace charon::objstore {

class CountingBucket final : public InterceptingBucket {
 public:
  // Wraps `inner`, which must outlive this bucket when passed as a pointer.
  explicit CountingBucket(Bucket* inner) : InterceptingBucket(inner) {}
  explicit CountingBucket(std::unique_ptr<Bucket> inner)
      : InterceptingBucket(std::shared_ptr<Bucket>(std::move(inner))) {}

  int64_t Count(BucketOp op) const { return counts_[static_cast<size_t>(op)].load(); }
  int64_t TotalCalls() const;
  // Bytes returned by successful Get and GetRange calls.
  int64_t BytesRead() const { return bytes_read_.load(); }
  void Reset();

 private:
  absl::Status Before(BucketOp op, std::string_view /*name*/) override {
    counts_[static_cast<size_t>(op)].fetch_add(1);
    return absl::OkStatus();
  }
  void After(BucketOp /*op*/, const absl::Status& /*status*/, int64_t bytes,
             absl::Duration /*elapsed*/) override {
    if (bytes > 0) bytes_read_.fetch_add(bytes);
  }

  std::array<std::atomic<int64_t>, kNumBucketOps> counts_{};
  std::atomic<int64_t> bytes_read_{0};
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_COUNTING_BUCKET_H_
