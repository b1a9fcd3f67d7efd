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

absl::Status ErrorBucket::Before(BucketOp op, std::string_view name) {
  absl::MutexLock lock(&mu_);
  for (const Rule& rule : rules_) {
    if (rule.when(op, name)) {
      ++injected_;
      return rule.status;
    }
  }
  return absl::OkStatus();
}

}  // namespace charon::objstore
