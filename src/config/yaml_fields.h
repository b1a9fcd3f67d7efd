// Strict reading of Thanos-style YAML config maps (objstore, caching bucket, index cache):
// unknown keys are errors, every error names the config source and the key path, absent keys keep
// the caller's default. Values use Go/Thanos syntaxes: durations "90s", sizes "1MiB", bools.
//
//   CHARON_ASSIGN_OR_RETURN(YamlMap m, YamlMap::Of(node, "config", source));
//   CHARON_RETURN_IF_ERROR(m.AllowOnly({"bucket", "endpoint", "insecure", "http_config"}));
//   CHARON_RETURN_IF_ERROR(m.String("bucket", &cfg.bucket));
//   CHARON_RETURN_IF_ERROR(m.Bool("insecure", &cfg.insecure));
//   CHARON_ASSIGN_OR_RETURN(YamlMap http, m.Map("http_config"));   // empty map when absent
#ifndef CHARON_CONFIG_YAML_FIELDS_H_
#define CHARON_CONFIG_YAML_FIELDS_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::config {

// InvalidArgument "<source>: <what>".
absl::Status ConfigError(std::string_view source, std::string_view what);

// Parses YAML text; syntax errors become ConfigError. Never throws.
absl::StatusOr<YAML::Node> ParseYaml(std::string_view content, std::string_view source);

class YamlMap {
 public:
  // `node` must be a map, or absent/null (then every key is absent). `path` is how errors name
  // it ("config", "config.http_config"); "" for the document root.
  static absl::StatusOr<YamlMap> Of(const YAML::Node& node, std::string path, std::string source);

  // InvalidArgument naming the first key not in `allowed`.
  absl::Status AllowOnly(const std::set<std::string>& allowed) const;

  bool Has(const std::string& key) const;

  // Each setter leaves *out unchanged when the key is absent or null.
  absl::Status String(const std::string& key, std::string* out) const;
  absl::Status Bool(const std::string& key, bool* out) const;
  absl::Status Int(const std::string& key, int64_t* out) const;
  absl::Status Int(const std::string& key, int* out) const;
  absl::Status Double(const std::string& key, double* out) const;
  // Go durations ("90s", "1m30s", "500ms") and Prometheus ones ("1d"); a bare integer is
  // nanoseconds, as Go's yaml decoding of time.Duration reads it.
  absl::Status Duration(const std::string& key, absl::Duration* out) const;
  // Byte sizes as Thanos' model.Bytes ("1MiB", "250MB" = base 2, or a bare integer of bytes).
  absl::Status ByteSize(const std::string& key, int64_t* out) const;
  absl::Status StringList(const std::string& key, std::vector<std::string>* out) const;
  absl::Status StringMap(const std::string& key, std::map<std::string, std::string>* out) const;
  // A nested map (an empty YamlMap when absent or null).
  absl::StatusOr<YamlMap> Map(const std::string& key) const;

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }
  // "<path>.<key>" (or "<key>" at the root), for messages.
  std::string KeyPath(const std::string& key) const;
  // ConfigError about `key`: "<source>: <path>.<key> <what>".
  absl::Status KeyError(const std::string& key, std::string_view what) const;

 private:
  YamlMap(YAML::Node node, std::string path, std::string source)
      : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)) {}
  // The scalar text under key, false when absent/null; error if not a scalar.
  absl::StatusOr<bool> Scalar(const std::string& key, std::string* text) const;

  YAML::Node node_;  // a map, or Null
  std::string path_;
  std::string source_;
};

}  // namespace charon::config

#endif  // CHARON_CONFIG_YAML_FIELDS_H_
