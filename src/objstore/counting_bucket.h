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

namespace charon::objstore {

class CountingBucket final : public Bucket {
 public:
  // Wraps `inner`, which must outlive this bucket when passed as a pointer.
  explicit CountingBucket(Bucket* inner) : inner_(inner) {}
  explicit CountingBucket(std::unique_ptr<Bucket> inner)
      : owned_(std::move(inner)), inner_(owned_.get()) {}

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  std::string Name() const override { return inner_->Name(); }

  int64_t Count(BucketOp op) const { return counts_[static_cast<size_t>(op)].load(); }
  int64_t TotalCalls() const;
  // Bytes returned by successful Get and GetRange calls.
  int64_t BytesRead() const { return bytes_read_.load(); }
  void Reset();

 private:
  void Note(BucketOp op) { counts_[static_cast<size_t>(op)].fetch_add(1); }

  std::unique_ptr<Bucket> owned_;
  Bucket* inner_;
  std::array<std::atomic<int64_t>, kNumBucketOps> counts_{};
  std::atomic<int64_t> bytes_read_{0};
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_COUNTING_BUCKET_H_
