#include "objstore/error_bucket.h"

#include <utility>

namespace charon::objstore {

void ErrorBucket::FailWhen(Predicate when, absl::Status status) {
  absl::MutexLock lock(&mu_);
  rules_.push_back(Rule{std::move(when), std::move(status)});
}

void ErrorBucket::FailOp(BucketOp op, std::string substring, absl::Status status) {
  FailWhen(
      [op, substring = std::move(substring)](BucketOp o, std::string_view name) {
        return o == op && name.find(substring) != std::string_view::npos;
      },
      std::move(status));
}

void ErrorBucket::ClearRules() {
  absl::MutexLock lock(&mu_);
  rules_.clear();
}

int64_t ErrorBucket::InjectedFailures() const {
  absl::MutexLock lock(&mu_);
  return injected_;
}

absl::Status ErrorBucket::Check(BucketOp op, std::string_view name) {
  absl::MutexLock lock(&mu_);
  for (const Rule& rule : rules_) {
    if (rule.when(op, name)) {
      ++injected_;
      return rule.status;
    }
  }
  return absl::OkStatus();
}

absl::Status ErrorBucket::Iter(std::string_view dir,
                               const std::function<absl::Status(std::string_view)>& fn,
                               IterOptions options) {
  absl::Status injected = Check(BucketOp::kIter, dir);
  if (!injected.ok()) return injected;
  return inner_->Iter(dir, fn, options);
}

absl::StatusOr<std::string> ErrorBucket::Get(std::string_view name) {
  absl::Status injected = Check(BucketOp::kGet, name);
  if (!injected.ok()) return injected;
  return inner_->Get(name);
}

absl::StatusOr<std::string> ErrorBucket::GetRange(std::string_view name, int64_t offset,
                                                  int64_t length) {
  absl::Status injected = Check(BucketOp::kGetRange, name);
  if (!injected.ok()) return injected;
  return inner_->GetRange(name, offset, length);
}

absl::StatusOr<bool> ErrorBucket::Exists(std::string_view name) {
  absl::Status injected = Check(BucketOp::kExists, name);
  if (!injected.ok()) return injected;
  return inner_->Exists(name);
}

absl::StatusOr<ObjectAttributes> ErrorBucket::Attributes(std::string_view name) {
  absl::Status injected = Check(BucketOp::kAttributes, name);
  if (!injected.ok()) return injected;
  return inner_->Attributes(name);
}

}  // namespace charon::objstore
