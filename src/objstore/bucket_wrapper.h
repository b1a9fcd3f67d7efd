// BucketWrapper: a Bucket that forwards every call to another bucket, the base of every decorator
// (prefix, metrics, caching, counting, faults), as LevelDB's EnvWrapper: a decorator overrides only
// the calls it changes, and a call added to Bucket reaches every decorator's target unchanged.
//
// Thread-safe if the target is.
#ifndef CHARON_OBJSTORE_BUCKET_WRAPPER_H_
#define CHARON_OBJSTORE_BUCKET_WRAPPER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "objstore/bucket.h"

namespace charon::objstore {

class BucketWrapper : public Bucket {
 public:
  // Borrows `target`, which must outlive the wrapper.
  explicit BucketWrapper(Bucket* target) : target_(target) {}
  // Shares ownership of `target` (a unique_ptr converts).
  explicit BucketWrapper(std::shared_ptr<Bucket> target)
      : owned_(std::move(target)), target_(owned_.get()) {}

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override {
    return target_->Iter(dir, fn, options);
  }
  absl::StatusOr<std::string> Get(std::string_view name) override { return target_->Get(name); }
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override {
    return target_->GetRange(name, offset, length);
  }
  absl::StatusOr<bool> Exists(std::string_view name) override { return target_->Exists(name); }
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override {
    return target_->Attributes(name);
  }
  std::string Name() const override { return target_->Name(); }

  Bucket* target() const { return target_; }

 private:
  std::shared_ptr<Bucket> owned_;  // null when borrowed
  Bucket* const target_;
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_BUCKET_WRAPPER_H_
