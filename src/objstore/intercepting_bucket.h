// InterceptingBucket: a BucketWrapper that runs hooks around every data call (Iter, Get, GetRange,
// Exists, Attributes), for decorators that treat all calls alike: metrics, call counting, fault
// injection. Such a decorator overrides Before and/or After instead of every call.
//
// Thread-safe if the target and the hooks are.
#ifndef CHARON_OBJSTORE_INTERCEPTING_BUCKET_H_
#define CHARON_OBJSTORE_INTERCEPTING_BUCKET_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "objstore/bucket.h"
#include "objstore/bucket_op.h"
#include "objstore/bucket_wrapper.h"

namespace charon::objstore {

class InterceptingBucket : public BucketWrapper {
 public:
  using BucketWrapper::BucketWrapper;

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) final;
  absl::StatusOr<std::string> Get(std::string_view name) final;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset, int64_t length) final;
  absl::StatusOr<bool> Exists(std::string_view name) final;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) final;

 protected:
  // Runs before `op` on `name` (the directory for Iter) reaches the target. A non-OK status is the
  // call's answer: the target is not called, nor is After.
  virtual absl::Status Before(BucketOp /*op*/, std::string_view /*name*/) {
    return absl::OkStatus();
  }
  // Runs after the target answered `op` in `elapsed`, with its status and the bytes it returned
  // (Get and GetRange when OK; -1 otherwise).
  virtual void After(BucketOp /*op*/, const absl::Status& /*status*/, int64_t /*bytes*/,
                     absl::Duration /*elapsed*/) {}
};

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_INTERCEPTING_BUCKET_H_
