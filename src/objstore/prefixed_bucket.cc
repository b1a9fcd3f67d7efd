#include "objstore/prefixed_bucket.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/object_name.h"

namespace charon::objstore {

absl::StatusOr<std::unique_ptr<Bucket>> PrefixedBucket::Wrap(std::unique_ptr<Bucket> inner,
                                                             std::string_view prefix) {
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return inner;
  CHARON_RETURN_IF_ERROR(ValidateObjectName(prefix));
  return std::unique_ptr<Bucket>(new PrefixedBucket(std::move(inner), std::string(prefix)));
}

absl::StatusOr<std::string> PrefixedBucket::Full(std::string_view name) const {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  return absl::StrCat(prefix_, "/", base::Absl(name));
}

absl::Status PrefixedBucket::Iter(std::string_view dir,
                                  const std::function<absl::Status(std::string_view)>& fn,
                                  IterOptions options) {
  std::string normalized;
  CHARON_RETURN_IF_ERROR(NormalizeDir(dir, &normalized));
  std::string full = absl::StrCat(prefix_, "/", normalized);
  const std::string_view own = std::string_view(full).substr(0, prefix_.size() + 1);
  return BucketWrapper::Iter(
      full,
      [&fn, own](std::string_view name) -> absl::Status {
        if (name.size() <= own.size() || !name.starts_with(own)) {
          return absl::InternalError(
              absl::StrCat("inner bucket listed ", base::Absl(name), " outside the prefix"));
        }
        return fn(name.substr(own.size()));
      },
      options);
}

absl::StatusOr<std::string> PrefixedBucket::Get(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(std::string full, Full(name));
  return BucketWrapper::Get(full);
}

absl::StatusOr<std::string> PrefixedBucket::GetRange(std::string_view name, int64_t offset,
                                                     int64_t length) {
  CHARON_ASSIGN_OR_RETURN(std::string full, Full(name));
  return BucketWrapper::GetRange(full, offset, length);
}

absl::StatusOr<bool> PrefixedBucket::Exists(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(std::string full, Full(name));
  return BucketWrapper::Exists(full);
}

absl::StatusOr<ObjectAttributes> PrefixedBucket::Attributes(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(std::string full, Full(name));
  return BucketWrapper::Attributes(full);
}

std::string PrefixedBucket::Name() const {
  return absl::StrCat(BucketWrapper::Name(), "/", prefix_);
}

}  // namespace charon::objstore
