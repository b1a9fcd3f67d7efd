#include "objstore/bucket_config.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "config/yaml_fields.h"
#include "objstore/azure/azure_bucket.h"
#include "objstore/filesystem_bucket.h"
#include "objstore/gcs/gcs_bucket.h"
#include "objstore/prefixed_bucket.h"
#include "objstore/s3/s3_bucket.h"

namespace charon::objstore {
namespace {

using config::YamlMap;

absl::StatusOr<std::unique_ptr<Bucket>> NewFilesystem(const YamlMap& config) {
  CHARON_RETURN_IF_ERROR(config.AllowOnly({"directory"}));
  std::string directory;
  CHARON_RETURN_IF_ERROR(config.String("directory", &directory));
  if (directory.empty()) return config.KeyError("directory", "is required for type FILESYSTEM");
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<FilesystemBucket> bucket,
                          FilesystemBucket::Open(directory));
  return std::unique_ptr<Bucket>(std::move(bucket));
}

// The hedging policy of `hedging_config`, counted in `registry` when there is one.
absl::StatusOr<http::HedgingPolicy> Hedging(const YamlMap& top, const YamlMap& config,
                                            prometheus::Registry* registry) {
  CHARON_ASSIGN_OR_RETURN(YamlMap map, top.Map("hedging_config"));
  CHARON_ASSIGN_OR_RETURN(http::HedgingPolicy policy, http::ParseHedgingConfig(map));
  if (!policy.enabled || registry == nullptr) return policy;
  std::string bucket;
  if (config.String("bucket", &bucket).ok() && bucket.empty()) {
    (void)config.String("container", &bucket);  // Azure
  }
  prometheus::Counter* hedged =
      &prometheus::BuildCounter()
           .Name("thanos_objstore_bucket_hedged_requests_total")
           .Help(
               "Total number of GETs sent again because the first had no answer within the "
               "hedging quantile of recent latencies.")
           .Register(*registry)
           .Add({{"bucket", bucket}});
  prometheus::Counter* won = &prometheus::BuildCounter()
                                  .Name("thanos_objstore_bucket_hedged_request_wins_total")
                                  .Help(
                                      "Total number of hedged GETs answered by a later copy "
                                      "rather than the first request.")
                                  .Register(*registry)
                                  .Add({{"bucket", bucket}});
  policy.on_hedge = [hedged] { hedged->Increment(); };
  policy.on_hedge_won = [won] { won->Increment(); };
  return policy;
}

absl::StatusOr<std::unique_ptr<Bucket>> FromNode(const YAML::Node& root, std::string_view source,
                                                 prometheus::Registry* registry) {
  if (!root.IsDefined() || root.IsNull()) {
    return config::ConfigError(source, "empty bucket configuration; \"type\" is required");
  }
  CHARON_ASSIGN_OR_RETURN(YamlMap top, YamlMap::Of(root, "", std::string(source)));
  CHARON_RETURN_IF_ERROR(top.AllowOnly({"type", "config", "prefix", "hedging_config"}));
  std::string type, prefix;
  CHARON_RETURN_IF_ERROR(top.String("type", &type));
  CHARON_RETURN_IF_ERROR(top.String("prefix", &prefix));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  CHARON_ASSIGN_OR_RETURN(YamlMap config, top.Map("config"));
  CHARON_ASSIGN_OR_RETURN(http::HedgingPolicy hedging, Hedging(top, config, registry));

  std::unique_ptr<Bucket> bucket;
  if (type.empty()) {
    return config::ConfigError(source, "\"type\" is required");
  } else if (type == "FILESYSTEM") {
    CHARON_ASSIGN_OR_RETURN(bucket, NewFilesystem(config));
  } else if (type == "S3") {
    CHARON_ASSIGN_OR_RETURN(bucket, NewS3BucketFromYaml(config, std::move(hedging)));
  } else if (type == "AZURE") {
    CHARON_ASSIGN_OR_RETURN(bucket, NewAzureBucketFromYaml(config, std::move(hedging)));
  } else if (type == "GCS") {
    CHARON_ASSIGN_OR_RETURN(bucket, NewGcsBucketFromYaml(config, std::move(hedging)));
  } else if (type == "SWIFT" || type == "COS" || type == "ALIYUNOSS" || type == "BOS" ||
             type == "OCI" || type == "OBS") {
    return absl::UnimplementedError(
        absl::StrCat(base::Absl(source), ": bucket type ", type, " is not supported by Charon"));
  } else {
    return config::ConfigError(source,
                               absl::StrCat("unknown bucket type \"", type,
                                            "\" in key \"type\" (FILESYSTEM, S3, AZURE or GCS)"));
  }
  absl::StatusOr<std::unique_ptr<Bucket>> wrapped = PrefixedBucket::Wrap(std::move(bucket), prefix);
  if (!wrapped.ok()) {
    return config::ConfigError(source,
                               absl::StrCat("bad \"prefix\": ", wrapped.status().message()));
  }
  return wrapped;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Bucket>> NewBucketFromYaml(std::string_view yaml_content,
                                                          std::string_view source_name_for_errors,
                                                          prometheus::Registry* registry) {
  CHARON_ASSIGN_OR_RETURN(YAML::Node root, config::ParseYaml(yaml_content, source_name_for_errors));
  return FromNode(root, source_name_for_errors, registry);
}

}  // namespace charon::objstore
