// Builds a Bucket from Thanos' objstore YAML (`--objstore.config` / `--objstore.config-file`):
//
//   type: FILESYSTEM          # case-insensitive, as in Thanos
//   config:
//     directory: /data/blocks
//   prefix: tenant-a          # optional: wraps the bucket in a PrefixedBucket
//
// Top-level keys are checked strictly as Thanos does (unknown key → error); `hedging_config`, which
// Thanos reads from the same file for its HTTP client, is accepted and ignored. Types S3, AZURE and
// GCS build the remote buckets of objstore/s3, objstore/azure and objstore/gcs (their `config`
// keys are Thanos'); the other Thanos providers (SWIFT, COS, ALIYUNOSS, BOS, OCI, OBS) are
// recognised and not supported.
#ifndef CHARON_OBJSTORE_BUCKET_CONFIG_H_
#define CHARON_OBJSTORE_BUCKET_CONFIG_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "objstore/bucket.h"

namespace charon::objstore {

// `source_name_for_errors` (a file name, or e.g. "--objstore.config") starts every error message.
// InvalidArgument: malformed YAML, an unknown top-level or provider key, an unknown type, a missing
// or mistyped required key (the message names the key). Unimplemented: a recognised type Charon
// does not support.
absl::StatusOr<std::unique_ptr<Bucket>> NewBucketFromYaml(std::string_view yaml_content,
                                                          std::string_view source_name_for_errors);

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_BUCKET_CONFIG_H_
