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
#include "objstore/intercepting_bucket.h"

namespace charon::objstore {

class ErrorBucket final : public InterceptingBucket {
 public:
  // `name` is the object name, or the directory for Iter.
  using Predicate = std::function<bool(BucketOp op, std::string_view name)>;

  // Wraps `inner`, which must outlive this bucket when passed as a pointer.
  explicit ErrorBucket(Bucket* inner) : InterceptingBucket(inner) {}
  explicit ErrorBucket(std::unique_ptr<Bucket> inner)
      : InterceptingBucket(std::shared_ptr<Bucket>(std::move(inner))) {}

  // Calls matching `when` return `status` (not OK) without reaching the inner bucket.
  void FailWhen(Predicate when, absl::Status status);
  // Shorthand: fail `op` on names containing `substring`.
  void FailOp(BucketOp op, std::string substring, absl::Status status);
  void ClearRules();
  // Calls that were failed by a rule.
  int64_t InjectedFailures() const;

 private:
  struct Rule {
    Predicate when;
    absl::Status status;
  };
  // The injected status for this call, or OK to pass it through.
  absl::Status Before(BucketOp op, std::string_view name) override;

  mutable absl::Mutex mu_;
  std::vector<Rule> rules_ ABSL_GUARDED_BY(mu_);
  int64_t injected_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_ERROR_BUCKET_H_
