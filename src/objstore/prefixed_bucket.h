// PrefixedBucket: a Bucket that sees only the objects under `prefix/` of another bucket, with the
// prefix taken off every name (the objstore YAML's top-level `prefix:` key).
//
// Names passed in are checked like any bucket's (ValidateObjectName) before the prefix is added,
// so "../x" cannot reach outside the prefix. Thread-safe if the inner bucket is; owns it.
#ifndef CHARON_OBJSTORE_PREFIXED_BUCKET_H_
#define CHARON_OBJSTORE_PREFIXED_BUCKET_H_

#include <memory>
#include <string>
#include <string_view>

#include "objstore/bucket.h"
#include "objstore/bucket_wrapper.h"

namespace charon::objstore {

class PrefixedBucket final : public BucketWrapper {
 public:
  // Leading and trailing '/' of `prefix` are dropped. An empty prefix gives back `inner` itself;
  // an invalid one (e.g. with "..") is InvalidArgument.
  static absl::StatusOr<std::unique_ptr<Bucket>> Wrap(std::unique_ptr<Bucket> inner,
                                                      std::string_view prefix);

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  // The inner bucket's name and the prefix, e.g. "FILESYSTEM:/data/tenant-a".
  std::string Name() const override;

  const std::string& prefix() const { return prefix_; }

 private:
  PrefixedBucket(std::unique_ptr<Bucket> inner, std::string prefix)
      : BucketWrapper(std::shared_ptr<Bucket>(std::move(inner))), prefix_(std::move(prefix)) {}
  absl::StatusOr<std::string> Full(std::string_view name) const;

  const std::string prefix_;  // no leading or trailing '/', never empty
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_PREFIXED_BUCKET_H_
