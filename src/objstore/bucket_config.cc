#include "objstore/bucket_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/filesystem_bucket.h"
#include "objstore/prefixed_bucket.h"

namespace charon::objstore {
namespace {

absl::Status Invalid(std::string_view source, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(base::Absl(source), ": ", base::Absl(what)));
}

// Keys of `node` (a map) that are not in `allowed`: InvalidArgument naming the first.
absl::Status CheckKeys(const YAML::Node& node, const std::set<std::string>& allowed,
                       std::string_view where, std::string_view source) {
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    if (!allowed.contains(key)) {
      return Invalid(source, absl::StrCat("unknown key \"", key, "\" in ", base::Absl(where),
                                          " (allowed: ", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// A scalar string under `key`, or "" when absent or null. InvalidArgument if not a scalar.
absl::StatusOr<std::string> OptionalScalar(const YAML::Node& map, const std::string& key,
                                           std::string_view path, std::string_view source) {
  YAML::Node v = map[key];
  if (!v.IsDefined() || v.IsNull()) return std::string();
  if (!v.IsScalar()) return Invalid(source, absl::StrCat(base::Absl(path), " must be a string"));
  return v.Scalar();
}

absl::StatusOr<std::unique_ptr<Bucket>> NewFilesystem(const YAML::Node& config,
                                                      std::string_view source) {
  // A missing key gives an undefined node, on which yaml-cpp's type queries throw.
  const bool present = config.IsDefined() && !config.IsNull();
  if (present && !config.IsMap()) return Invalid(source, "config must be a map for type FILESYSTEM");
  std::string directory;
  if (present) {
    CHARON_RETURN_IF_ERROR(CheckKeys(config, {"directory"}, "config", source));
    CHARON_ASSIGN_OR_RETURN(directory,
                            OptionalScalar(config, "directory", "config.directory", source));
  }
  if (directory.empty()) {
    return Invalid(source, "config.directory is required for type FILESYSTEM");
  }
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<FilesystemBucket> bucket, FilesystemBucket::Open(directory));
  return std::unique_ptr<Bucket>(std::move(bucket));
}

absl::StatusOr<std::unique_ptr<Bucket>> FromNode(const YAML::Node& root, std::string_view source) {
  if (!root.IsDefined() || root.IsNull()) return Invalid(source, "empty bucket configuration; \"type\" is required");
  if (!root.IsMap()) return Invalid(source, "bucket configuration must be a map");
  CHARON_RETURN_IF_ERROR(
      CheckKeys(root, {"type", "config", "prefix", "hedging_config"}, "the top level", source));
  CHARON_ASSIGN_OR_RETURN(std::string type, OptionalScalar(root, "type", "type", source));
  CHARON_ASSIGN_OR_RETURN(std::string prefix, OptionalScalar(root, "prefix", "prefix", source));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  YAML::Node config = root["config"];

  std::unique_ptr<Bucket> bucket;
  if (type.empty()) {
    return Invalid(source, "\"type\" is required");
  } else if (type == "FILESYSTEM") {
    CHARON_ASSIGN_OR_RETURN(bucket, NewFilesystem(config, source));
  } else if (type == "S3" || type == "AZURE" || type == "GCS") {
    return absl::UnimplementedError(absl::StrCat(base::Absl(source), ": bucket type ", type,
                                                 " not implemented yet"));
  } else if (type == "SWIFT" || type == "COS" || type == "ALIYUNOSS" || type == "BOS" ||
             type == "OCI" || type == "OBS") {
    return absl::UnimplementedError(
        absl::StrCat(base::Absl(source), ": bucket type ", type, " is not supported by Charon"));
  } else {
    return Invalid(source, absl::StrCat("unknown bucket type \"", type,
                                        "\" in key \"type\" (FILESYSTEM, S3, AZURE or GCS)"));
  }
  absl::StatusOr<std::unique_ptr<Bucket>> wrapped = PrefixedBucket::Wrap(std::move(bucket), prefix);
  if (!wrapped.ok()) {
    return Invalid(source, absl::StrCat("bad \"prefix\": ", wrapped.status().message()));
  }
  return wrapped;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Bucket>> NewBucketFromYaml(std::string_view yaml_content,
                                                          std::string_view source_name_for_errors) {
  // yaml-cpp reports malformed input and type mismatches by throwing; nothing else in Charon sees
  // its exceptions.
  try {
    YAML::Node root = YAML::Load(std::string(yaml_content));
    return FromNode(root, source_name_for_errors);
  } catch (const YAML::Exception& e) {
    return Invalid(source_name_for_errors, absl::StrCat("parsing YAML: ", e.what()));
  }
}

}  // namespace charon::objstore
