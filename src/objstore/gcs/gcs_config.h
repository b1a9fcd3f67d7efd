// The `type: GCS` objstore config of Thanos (github.com/thanos-io/objstore providers/gcs):
//
//   config:
//     bucket: "thanos"          # required
//     service_account: |-       # the JSON key file's content; empty = see below
//       {"type": "service_account", ...}
//     use_grpc: false           # true is refused: only the JSON API over HTTP is implemented
//     grpc_conn_pool_size: 0    # accepted, unused
//     chunk_size_bytes: 0       # accepted, unused (uploads only)
//     max_retries: 0            # > 0: total attempts per request (1 = no retries)
//     http_config: {...}        # the shared ParseHttpConfigSection
//
// Without service_account, Google's clients fall back to application default credentials (a
// GOOGLE_APPLICATION_CREDENTIALS file, gcloud's user credentials, the metadata server). Charon
// supports none of those; it honours STORAGE_EMULATOR_HOST (plain HTTP, no authentication) as
// Google's clients do, and otherwise refuses the config with Unimplemented.
#ifndef CHARON_OBJSTORE_GCS_GCS_CONFIG_H_
#define CHARON_OBJSTORE_GCS_GCS_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "config/yaml_fields.h"
#include "objstore/gcs/service_account.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::gcs {

struct GcsConfig {
  std::string bucket;
  std::string service_account;  // JSON text
  bool use_grpc = false;
  int grpc_conn_pool_size = 0;
  int chunk_size_bytes = 0;
  int max_retries = 0;
  http::HttpConfig http_config;
};

// Reads and validates the map, including the service account JSON (which is parsed, not just
// copied). InvalidArgument naming the key for unknown keys, bad values and a missing bucket or a
// malformed key file; Unimplemented for use_grpc: true and for key files of another type than
// "service_account".
absl::StatusOr<GcsConfig> ParseGcsConfig(const config::YamlMap& map);

// max_retries attempts when > 0, else 4 (Google's clients retry until their deadline; Charon
// bounds it), backoff from 1s doubling up to 30s as Google's clients do.
http::RetryPolicy RetryPolicyOf(const GcsConfig& config);

// The JSON API base URL for STORAGE_EMULATOR_HOST ("host:port" or a URL): http:// is assumed
// without a scheme, a trailing '/' is dropped.
std::string EmulatorBaseUrl(std::string_view emulator_host);

}  // namespace charon::objstore::gcs

#endif  // CHARON_OBJSTORE_GCS_GCS_CONFIG_H_
