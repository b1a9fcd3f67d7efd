// The operations of the Bucket interface, named as Thanos' objstore names them in the
// `operation` label of thanos_objstore_bucket_operations_total.
#ifndef CHARON_OBJSTORE_BUCKET_OP_H_
#define CHARON_OBJSTORE_BUCKET_OP_H_

#include <string_view>

namespace charon::objstore {

enum class BucketOp { kIter, kGet, kGetRange, kExists, kAttributes };
inline constexpr int kNumBucketOps = 5;

constexpr std::string_view BucketOpName(BucketOp op) {
  switch (op) {
    case BucketOp::kIter:
      return "iter";
    case BucketOp::kGet:
      return "get";
    case BucketOp::kGetRange:
      return "get_range";
    case BucketOp::kExists:
      return "exists";
    case BucketOp::kAttributes:
      return "attributes";
  }
  return "unknown";
}

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_BUCKET_OP_H_
