// The `config:` map of `type: S3` in Thanos' objstore YAML, with Thanos' defaults and validation,
// and the credentials Charon signs with.
//
//   type: S3
//   config:
//     bucket: thanos
//     endpoint: s3.eu-west-1.amazonaws.com   # host[:port], no scheme
//     region: eu-west-1                       # optional
//     access_key: ...                         # optional, with secret_key
//     secret_key: ...
//     insecure: false                         # true = plain http
//     bucket_lookup_type: auto                # auto | virtual-hosted | path
//     list_objects_version: v2                # "" (= v2) | v1 | v2
//     http_config: {...}                      # see objstore/http/http_client.h
//
// Keys that only matter for writes (put_user_metadata, send_content_md5, disable_multipart,
// part_size) or for credential sources Charon does not have (sts_endpoint) are accepted and
// ignored. `signature_version2: true` is refused: Charon signs with Signature V4 only.
#ifndef CHARON_OBJSTORE_S3_S3_CONFIG_H_
#define CHARON_OBJSTORE_S3_S3_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "config/yaml_fields.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::s3 {

enum class BucketLookup { kAuto, kVirtualHosted, kPath };

struct SseConfig {
  std::string type{};  // "", "SSE-S3", "SSE-KMS", "SSE-C"
  std::string kms_key_id{};
  std::map<std::string, std::string> kms_encryption_context{};
  std::string encryption_key{};  // SSE-C: path of a file holding the 32-byte key
};

struct S3Config {
  std::string bucket{};
  std::string endpoint{};
  std::string region{};
  bool disable_dualstack = false;
  bool aws_sdk_auth = false;
  std::string access_key{};
  std::string secret_key{};
  std::string session_token{};
  bool insecure = false;
  bool signature_version2 = false;
  std::map<std::string, std::string> put_user_metadata{};
  http::HttpConfig http_config{};
  bool trace_enable = false;
  std::string list_objects_version{};  // "" means v2
  BucketLookup bucket_lookup_type = BucketLookup::kAuto;
  bool send_content_md5 = true;
  bool disable_multipart = false;
  int64_t part_size = 64 * 1024 * 1024;
  SseConfig sse_config{};
  std::string sts_endpoint{};
  int max_retries = 0;  // 0 = the client library's default (10 attempts)
};

// Reads and validates the map. InvalidArgument naming the key for an unknown key, a value of the
// wrong type, or a rule Thanos enforces (endpoint required, access_key and secret_key together,
// aws_sdk_auth exclusive with access_key, SSE settings, list_objects_version, bucket_lookup_type);
// `signature_version2: true` is InvalidArgument too.
absl::StatusOr<S3Config> ParseS3Config(const config::YamlMap& map);

struct Credentials {
  std::string access_key{};
  std::string secret_key{};
  std::string session_token{};
  bool anonymous() const { return access_key.empty(); }
};

// Reads an environment variable; "" when unset. Injected so tests need not touch the process
// environment.
using EnvLookup = std::function<std::string(const std::string& name)>;
std::string ProcessEnv(const std::string& name);

// The credentials to sign with, in the order of Thanos' chain for static and environment
// credentials: the config's access_key/secret_key/session_token; else AWS_ACCESS_KEY_ID (or
// AWS_ACCESS_KEY) / AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY) / AWS_SESSION_TOKEN; else the shared
// credentials file ($AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials, profile $AWS_PROFILE
// or "default"); else none (anonymous requests). Instance-profile (IMDS) and web-identity
// credentials are not supported. InvalidArgument if the shared file exists but is malformed.
absl::StatusOr<Credentials> ResolveCredentials(const S3Config& config, const EnvLookup& env);

// The region to sign with when it is known without a request: `region`, else $AWS_REGION, else
// the one named by an AWS regional endpoint (s3.eu-west-1.amazonaws.com), else nullopt (the caller
// asks AWS for the bucket's location, or uses us-east-1 elsewhere).
std::optional<std::string> StaticRegion(const S3Config& config, const EnvLookup& env);

}  // namespace charon::objstore::s3

#endif  // CHARON_OBJSTORE_S3_S3_CONFIG_H_
