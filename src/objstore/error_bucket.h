// ErrorBucket: a test decorator that fails chosen calls with a chosen status before they reach the
// real bucket, e.g. Unavailable for GetRange of "*/index", to test retries, partial loads and
// error propagation.
//
// Rules are checked in the order they were added; the first whose predicate matches decides.
// Thread-safe: rules may be added and removed while other threads call the bucket.
#ifndef CHARON_OBJSTORE_ERROR_BUCKET_H_
#define CHARON_OBJSTORE_ERROR_BUCKET_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "objstore/bucket.h"
#include "objstore/bucket_op.h"

namespace charon::objstore {

class ErrorBucket final : public Bucket {
 public:
  // `name` is the object name, or the directory for Iter.
  using Predicate = std::function<bool(BucketOp op, std::string_view name)>;

  // Wraps `inner`, which must outlive this bucket when passed as a pointer.
  explicit ErrorBucket(Bucket* inner) : inner_(inner) {}
  explicit ErrorBucket(std::unique_ptr<Bucket> inner)
      : owned_(std::move(inner)), inner_(owned_.get()) {}

  // Calls matching `when` return `status` (not OK) without reaching the inner bucket.
  void FailWhen(Predicate when, absl::Status status);
  // Shorthand: fail `op` on names containing `substring`.
  void FailOp(BucketOp op, std::string substring, absl::Status status);
  void ClearRules();
  // Calls that were failed by a rule.
  int64_t InjectedFailures() const;

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  std::string Name() const override { return inner_->Name(); }

 private:
  struct Rule {
    Predicate when;
    absl::Status status;
  };
  // The injected status for this call, or OK to pass it through.
  absl::Status Check(BucketOp op, std::string_view name);

  std::unique_ptr<Bucket> owned_;
  Bucket* inner_;
  mutable absl::Mutex mu_;
  std::vector<Rule> rules_ ABSL_GUARDED_BY(mu_);
  int64_t injected_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_ERROR_BUCKET_H_
