#include "objstore/intercepting_bucket.h"

#include "absl/time/clock.h"
#include "base/status_macros.h"

namespace charon::objstore {
namespace {

int64_t BytesOf(const absl::StatusOr<std::string>& r) {
  return r.ok() ? static_cast<int64_t>(r->size()) : -1;
}

}  // namespace

absl::Status InterceptingBucket::Iter(std::string_view dir,
                                      const std::function<absl::Status(std::string_view name)>& fn,
                                      IterOptions options) {
  CHARON_RETURN_IF_ERROR(Before(BucketOp::kIter, dir));
  const absl::Time start = absl::Now();
  absl::Status s = BucketWrapper::Iter(dir, fn, options);
  After(BucketOp::kIter, s, -1, absl::Now() - start);
  return s;
}

absl::StatusOr<std::string> InterceptingBucket::Get(std::string_view name) {
  CHARON_RETURN_IF_ERROR(Before(BucketOp::kGet, name));
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> r = BucketWrapper::Get(name);
  After(BucketOp::kGet, r.status(), BytesOf(r), absl::Now() - start);
  return r;
}

absl::StatusOr<std::string> InterceptingBucket::GetRange(std::string_view name, int64_t offset,
                                                         int64_t length) {
  CHARON_RETURN_IF_ERROR(Before(BucketOp::kGetRange, name));
  const absl::Time start = absl::Now();
  absl::StatusOr<std::string> r = BucketWrapper::GetRange(name, offset, length);
  After(BucketOp::kGetRange, r.status(), BytesOf(r), absl::Now() - start);
  return r;
}

absl::StatusOr<bool> InterceptingBucket::Exists(std::string_view name) {
  CHARON_RETURN_IF_ERROR(Before(BucketOp::kExists, name));
  const absl::Time start = absl::Now();
  absl::StatusOr<bool> r = BucketWrapper::Exists(name);
  After(BucketOp::kExists, r.status(), -1, absl::Now() - start);
  return r;
}

absl::StatusOr<ObjectAttributes> InterceptingBucket::Attributes(std::string_view name) {
  CHARON_RETURN_IF_ERROR(Before(BucketOp::kAttributes, name));
  const absl::Time start = absl::Now();
  absl::StatusOr<ObjectAttributes> r = BucketWrapper::Attributes(name);
  After(BucketOp::kAttributes, r.status(), -1, absl::Now() - start);
  return r;
}

}  // namespace charon::objstore
