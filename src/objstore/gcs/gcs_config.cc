#include "objstore/gcs/gcs_config.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::objstore::gcs {

absl::StatusOr<GcsConfig> ParseGcsConfig(const config::YamlMap& map) {
  CHARON_RETURN_IF_ERROR(
      map.AllowOnly({"bucket", "service_account", "use_grpc", "grpc_conn_pool_size", "http_config",
                     "chunk_size_bytes", "max_retries"}));
  GcsConfig c;
  CHARON_RETURN_IF_ERROR(map.String("bucket", &c.bucket));
  CHARON_RETURN_IF_ERROR(map.String("service_account", &c.service_account));
  CHARON_RETURN_IF_ERROR(map.Bool("use_grpc", &c.use_grpc));
  CHARON_RETURN_IF_ERROR(map.Int("grpc_conn_pool_size", &c.grpc_conn_pool_size));
  CHARON_RETURN_IF_ERROR(map.Int("chunk_size_bytes", &c.chunk_size_bytes));
  CHARON_RETURN_IF_ERROR(map.Int("max_retries", &c.max_retries));
  CHARON_ASSIGN_OR_RETURN(c.http_config, http::ParseHttpConfigSection(map));

  if (c.bucket.empty()) {
    return map.KeyError("bucket",
                        "is required for type GCS (the Google Cloud Storage bucket name)");
  }
  if (c.use_grpc) {
    return absl::UnimplementedError(
        absl::StrCat(map.source(), ": ", map.KeyPath("use_grpc"),
                     " is not supported by Charon: it reads GCS through the JSON API over HTTP; "
                     "remove the key or set it to false"));
  }
  if (c.grpc_conn_pool_size < 0) return map.KeyError("grpc_conn_pool_size", "must be >= 0");
  if (c.chunk_size_bytes < 0) return map.KeyError("chunk_size_bytes", "must be >= 0");
  if (c.max_retries < 0) return map.KeyError("max_retries", "must be >= 0");
  if (!c.service_account.empty()) {
    absl::StatusOr<ServiceAccountKey> key = ParseServiceAccountKey(c.service_account);
    if (key.status().code() == absl::StatusCode::kUnimplemented) {
      return absl::UnimplementedError(absl::StrCat(
          map.source(), ": ", map.KeyPath("service_account"), ": ", key.status().message()));
    }
    if (!key.ok()) return map.KeyError("service_account", base::Std(key.status().message()));
  }
  return c;
}

http::RetryPolicy RetryPolicyOf(const GcsConfig& config) {
  http::RetryPolicy p;
  p.max_attempts = config.max_retries > 0 ? config.max_retries : 4;
  p.initial_backoff = absl::Seconds(1);
  p.max_backoff = absl::Seconds(30);
  return p;
}

std::string EmulatorBaseUrl(std::string_view emulator_host) {
  std::string url(emulator_host);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.find("://") == std::string::npos) url = absl::StrCat("http://", url);
  return url;
}

}  // namespace charon::objstore::gcs
