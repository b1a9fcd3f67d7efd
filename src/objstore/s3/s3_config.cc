#include "objstore/s3/s3_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/s3/s3_endpoint.h"

namespace charon::objstore::s3 {
namespace {

absl::Status ParseSse(const config::YamlMap& map, SseConfig* sse) {
  CHARON_RETURN_IF_ERROR(
      map.AllowOnly({"type", "kms_key_id", "kms_encryption_context", "encryption_key"}));
  CHARON_RETURN_IF_ERROR(map.String("type", &sse->type));
  CHARON_RETURN_IF_ERROR(map.String("kms_key_id", &sse->kms_key_id));
  CHARON_RETURN_IF_ERROR(map.StringMap("kms_encryption_context", &sse->kms_encryption_context));
  CHARON_RETURN_IF_ERROR(map.String("encryption_key", &sse->encryption_key));
  if (sse->type != "" && sse->type != "SSE-S3" && sse->type != "SSE-KMS" && sse->type != "SSE-C") {
    return map.KeyError("type", absl::StrCat("has unsupported value \"", sse->type,
                                             "\"; supported are SSE-S3, SSE-KMS, SSE-C"));
  }
  if (sse->type == "SSE-C" && sse->encryption_key.empty()) {
    return map.KeyError("encryption_key", "must be set if sse_config.type is SSE-C");
  }
  if (sse->type == "SSE-KMS" && sse->kms_key_id.empty()) {
    return map.KeyError("kms_key_id", "must be set if sse_config.type is SSE-KMS");
  }
  return absl::OkStatus();
}

// The [profile] section of an AWS shared credentials file (INI: "key = value" lines).
absl::StatusOr<Credentials> ReadSharedCredentials(const std::string& path,
                                                  const std::string& profile) {
  std::ifstream in(path);
  if (!in) return Credentials{};
  Credentials c;
  std::string line, section;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view l = base::Std(absl::StripAsciiWhitespace(line));
    if (l.empty() || l.front() == '#' || l.front() == ';') continue;
    if (l.front() == '[') {
      if (l.back() != ']') {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", line_no, ": malformed section header"));
      }
      section = std::string(absl::StripAsciiWhitespace(base::Absl(l.substr(1, l.size() - 2))));
      continue;
    }
    if (section != profile) continue;
    size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": expected key = value"));
    }
    std::string key =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(base::Absl(l.substr(0, eq))));
    std::string value(absl::StripAsciiWhitespace(base::Absl(l.substr(eq + 1))));
    if (key == "aws_access_key_id") c.access_key = value;
    if (key == "aws_secret_access_key") c.secret_key = value;
    if (key == "aws_session_token") c.session_token = value;
  }
  if (c.access_key.empty() != c.secret_key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": profile ", profile, " needs both aws_access_key_id and aws_secret_access_key"));
  }
  return c;
}

}  // namespace

absl::StatusOr<S3Config> ParseS3Config(const config::YamlMap& map) {
  CHARON_RETURN_IF_ERROR(map.AllowOnly({"bucket",
                                        "endpoint",
                                        "region",
                                        "disable_dualstack",
                                        "aws_sdk_auth",
                                        "access_key",
                                        "insecure",
                                        "signature_version2",
                                        "secret_key",
                                        "session_token",
                                        "put_user_metadata",
                                        "http_config",
                                        "trace",
                                        "list_objects_version",
                                        "bucket_lookup_type",
                                        "send_content_md5",
                                        "disable_multipart",
                                        "part_size",
                                        "sse_config",
                                        "sts_endpoint",
                                        "max_retries"}));
  S3Config c;
  CHARON_RETURN_IF_ERROR(map.String("bucket", &c.bucket));
  CHARON_RETURN_IF_ERROR(map.String("endpoint", &c.endpoint));
  CHARON_RETURN_IF_ERROR(map.String("region", &c.region));
  CHARON_RETURN_IF_ERROR(map.Bool("disable_dualstack", &c.disable_dualstack));
  CHARON_RETURN_IF_ERROR(map.Bool("aws_sdk_auth", &c.aws_sdk_auth));
  CHARON_RETURN_IF_ERROR(map.String("access_key", &c.access_key));
  CHARON_RETURN_IF_ERROR(map.Bool("insecure", &c.insecure));
  CHARON_RETURN_IF_ERROR(map.Bool("signature_version2", &c.signature_version2));
  CHARON_RETURN_IF_ERROR(map.String("secret_key", &c.secret_key));
  CHARON_RETURN_IF_ERROR(map.String("session_token", &c.session_token));
  CHARON_RETURN_IF_ERROR(map.StringMap("put_user_metadata", &c.put_user_metadata));
  CHARON_ASSIGN_OR_RETURN(c.http_config, http::ParseHttpConfigSection(map));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap trace, map.Map("trace"));
  CHARON_RETURN_IF_ERROR(trace.AllowOnly({"enable"}));
  CHARON_RETURN_IF_ERROR(trace.Bool("enable", &c.trace_enable));
  CHARON_RETURN_IF_ERROR(map.String("list_objects_version", &c.list_objects_version));
  std::string lookup = "auto";
  CHARON_RETURN_IF_ERROR(map.String("bucket_lookup_type", &lookup));
  CHARON_RETURN_IF_ERROR(map.Bool("send_content_md5", &c.send_content_md5));
  CHARON_RETURN_IF_ERROR(map.Bool("disable_multipart", &c.disable_multipart));
  CHARON_RETURN_IF_ERROR(map.Int("part_size", &c.part_size));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap sse, map.Map("sse_config"));
  CHARON_RETURN_IF_ERROR(ParseSse(sse, &c.sse_config));
  CHARON_RETURN_IF_ERROR(map.String("sts_endpoint", &c.sts_endpoint));
  CHARON_RETURN_IF_ERROR(map.Int("max_retries", &c.max_retries));

  if (lookup == "auto") {
    c.bucket_lookup_type = BucketLookup::kAuto;
  } else if (lookup == "virtual-hosted") {
    c.bucket_lookup_type = BucketLookup::kVirtualHosted;
  } else if (lookup == "path") {
    c.bucket_lookup_type = BucketLookup::kPath;
  } else {
    return map.KeyError("bucket_lookup_type",
                        absl::StrCat("has unsupported value \"", lookup,
                                     "\"; supported are auto, virtual-hosted, path"));
  }
  if (c.list_objects_version != "" && c.list_objects_version != "v1" &&
      c.list_objects_version != "v2") {
    return map.KeyError("list_objects_version",
                        absl::StrCat("has unsupported value \"", c.list_objects_version,
                                     "\"; supported are v1, v2"));
  }
  if (c.signature_version2) {
    return map.KeyError("signature_version2",
                        "is not supported: Charon signs requests with AWS Signature V4 only; "
                        "remove the key or set it to false");
  }
  if (c.bucket.empty()) return map.KeyError("bucket", "is required");
  if (c.endpoint.empty()) return map.KeyError("endpoint", "is required (no s3 endpoint)");
  absl::StatusOr<S3Addressing> addressing =
      S3Addressing::Create(c.endpoint, c.bucket, !c.insecure, c.bucket_lookup_type);
  if (!addressing.ok()) return map.KeyError("endpoint", base::Std(addressing.status().message()));
  if (c.aws_sdk_auth && !c.access_key.empty()) {
    return map.KeyError("aws_sdk_auth", "and access_key are mutually exclusive");
  }
  if (c.access_key.empty() && !c.secret_key.empty()) {
    return map.KeyError("access_key",
                        "is missing while secret_key is set; set both, or neither to use the "
                        "environment");
  }
  if (!c.access_key.empty() && c.secret_key.empty()) {
    return map.KeyError("secret_key",
                        "is missing while access_key is set; set both, or neither to use the "
                        "environment");
  }
  if (c.part_size < 0) return map.KeyError("part_size", "must not be negative");
  if (c.max_retries < 0) return map.KeyError("max_retries", "must not be negative");
  return c;
}

std::string ProcessEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v == nullptr ? "" : v;
}

absl::StatusOr<Credentials> ResolveCredentials(const S3Config& config, const EnvLookup& env) {
  if (!config.access_key.empty()) {
    return Credentials{config.access_key, config.secret_key, config.session_token};
  }
  Credentials c;
  c.access_key = env("AWS_ACCESS_KEY_ID");
  if (c.access_key.empty()) c.access_key = env("AWS_ACCESS_KEY");
  c.secret_key = env("AWS_SECRET_ACCESS_KEY");
  if (c.secret_key.empty()) c.secret_key = env("AWS_SECRET_KEY");
  c.session_token = env("AWS_SESSION_TOKEN");
  if (!c.access_key.empty() && !c.secret_key.empty()) return c;

  std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty()) {
    std::string home = env("HOME");
    if (home.empty()) return Credentials{};
    file = home + "/.aws/credentials";
  }
  std::string profile = env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  return ReadSharedCredentials(file, profile);
}

std::optional<std::string> StaticRegion(const S3Config& config, const EnvLookup& env) {
  if (!config.region.empty()) return config.region;
  std::string r = env("AWS_REGION");
  if (!r.empty()) return r;
  std::string host = config.endpoint.substr(0, config.endpoint.rfind(':'));
  r = RegionFromAwsEndpoint(host);
  if (!r.empty()) return r;
  return std::nullopt;
}

}  // namespace charon::objstore::s3
