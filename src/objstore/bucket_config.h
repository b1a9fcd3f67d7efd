// Builds a Bucket from Thanos' objstore YAML (`--objstore.config` / `--objstore.config-file`):
//
//   type: FILESYSTEM          # case-insensitive, as in Thanos
//   config:
//     directory: /data/blocks
//   prefix: tenant-a          # optional: wraps the bucket in a PrefixedBucket
//
// Top-level keys are checked strictly as Thanos does (unknown key → error). `hedging_config`
// ({enabled: false, up_to: 3, quantile: 0.9} by default, as Thanos >= 0.37 reads it from the same
// file) hedges the GETs of the S3, AZURE and GCS buckets (see http::HedgingPolicy); FILESYSTEM
// ignores it. With a registry and hedging enabled, two counters labelled {bucket} (the provider's
// bucket or container name, as the objstore metrics) count it:
//   thanos_objstore_bucket_hedged_requests_total      GETs sent again because the first had no
//                                                      answer within the quantile
//   thanos_objstore_bucket_hedged_request_wins_total  GETs whose answer came from such a copy
// Types S3, AZURE and
// GCS build the remote buckets of objstore/s3, objstore/azure and objstore/gcs (their `config`
// keys are Thanos'); the other Thanos providers (SWIFT, COS, ALIYUNOSS, BOS, OCI, OBS) are
// recognised and not supported.
#ifndef CHARON_OBJSTORE_BUCKET_CONFIG_H_
#define CHARON_OBJSTORE_BUCKET_CONFIG_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "objstore/bucket.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace charon::objstore {

// `source_name_for_errors` (a file name, or e.g. "--objstore.config") starts every error message.
// InvalidArgument: malformed YAML, an unknown top-level or provider key, an unknown type, a missing
// or mistyped required key (the message names the key). Unimplemented: a recognised type Charon
// does not support. `registry` (may be null) receives the hedging counters and must outlive the
// bucket.
absl::StatusOr<std::unique_ptr<Bucket>> NewBucketFromYaml(std::string_view yaml_content,
                                                          std::string_view source_name_for_errors,
                                                          prometheus::Registry* registry = nullptr);

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_BUCKET_CONFIG_H_
