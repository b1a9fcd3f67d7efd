#include "objstore/counting_bucket.h"

namespace charon::objstore {

absl::Status CountingBucket::Iter(std::string_view dir,
                                  const std::function<absl::Status(std::string_view)>& fn,
                                  IterOptions options) {
  Note(BucketOp::kIter);
  return inner_->Iter(dir, fn, options);
}

absl::StatusOr<std::string> CountingBucket::Get(std::string_view name) {
  Note(BucketOp::kGet);
  absl::StatusOr<std::string> r = inner_->Get(name);
  if (r.ok()) bytes_read_.fetch_add(static_cast<int64_t>(r->size()));
  return r;
}

absl::StatusOr<std::string> CountingBucket::GetRange(std::string_view name, int64_t offset,
                                                     int64_t length) {
  Note(BucketOp::kGetRange);
  absl::StatusOr<std::string> r = inner_->GetRange(name, offset, length);
  if (r.ok()) bytes_read_.fetch_add(static_cast<int64_t>(r->size()));
  return r;
}

absl::StatusOr<bool> CountingBucket::Exists(std::string_view name) {
  Note(BucketOp::kExists);
  return inner_->Exists(name);
}

absl::StatusOr<ObjectAttributes> CountingBucket::Attributes(std::string_view name) {
  Note(BucketOp::kAttributes);
  return inner_->Attributes(name);
}

int64_t CountingBucket::TotalCalls() const {
  int64_t total = 0;
  for (const auto& c : counts_) total += c.load();
  return total;
}

void CountingBucket::Reset() {
  for (auto& c : counts_) c.store(0);
  bytes_read_.store(0);
}

}  // namespace charon::objstore
