#include "config/yaml_fields.h"

#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "base/units.h"

namespace charon::config {

absl::Status ConfigError(std::string_view source, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(base::Absl(source), ": ", base::Absl(what)));
}

absl::StatusOr<YAML::Node> ParseYaml(std::string_view content, std::string_view source) {
  try {
    return YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    return ConfigError(source, absl::StrCat("parsing YAML: ", e.what()));
  }
}

absl::StatusOr<YamlMap> YamlMap::Of(const YAML::Node& node, std::string path, std::string source) {
  if (!node.IsDefined() || node.IsNull()) {
    return YamlMap(YAML::Node(YAML::NodeType::Null), std::move(path), std::move(source));
  }
  if (!node.IsMap()) {
    return ConfigError(source,
                       absl::StrCat(path.empty() ? "the document" : path, " must be a map"));
  }
  return YamlMap(node, std::move(path), std::move(source));
}

std::string YamlMap::KeyPath(const std::string& key) const {
  return path_.empty() ? key : absl::StrCat(path_, ".", key);
}

absl::Status YamlMap::KeyError(const std::string& key, std::string_view what) const {
  return ConfigError(source_, absl::StrCat(KeyPath(key), " ", base::Absl(what)));
}

absl::Status YamlMap::AllowOnly(const std::set<std::string>& allowed) const {
  if (!node_.IsMap()) return absl::OkStatus();
  for (const auto& kv : node_) {
    std::string key = kv.first.Scalar();
    if (!allowed.contains(key)) {
      return ConfigError(source_, absl::StrCat("unknown key \"", key, "\" in ",
                                               path_.empty() ? "the top level" : path_,
                                               " (allowed: ", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

bool YamlMap::Has(const std::string& key) const {
  if (!node_.IsMap()) return false;
  YAML::Node v = node_[key];
  return v.IsDefined() && !v.IsNull();
}

absl::StatusOr<bool> YamlMap::Scalar(const std::string& key, std::string* text) const {
  if (!Has(key)) return false;
  YAML::Node v = node_[key];
  if (!v.IsScalar()) return KeyError(key, "must be a single value");
  *text = v.Scalar();
  return true;
}

absl::Status YamlMap::String(const std::string& key, std::string* out) const {
  std::string text;
  absl::StatusOr<bool> present = Scalar(key, &text);
  if (!present.ok()) return present.status();
  if (*present) *out = std::move(text);
  return absl::OkStatus();
}

absl::Status YamlMap::Bool(const std::string& key, bool* out) const {
  std::string text;
  absl::StatusOr<bool> present = Scalar(key, &text);
  if (!present.ok()) return present.status();
  if (!*present) return absl::OkStatus();
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "true" || lower == "yes" || lower == "on") {
    *out = true;
  } else if (lower == "false" || lower == "no" || lower == "off") {
    *out = false;
  } else {
    return KeyError(key, absl::StrCat("must be true or false, not \"", text, "\""));
  }
  return absl::OkStatus();
}

absl::Status YamlMap::Int(const std::string& key, int64_t* out) const {
  std::string text;
  absl::StatusOr<bool> present = Scalar(key, &text);
  if (!present.ok()) return present.status();
  if (!*present) return absl::OkStatus();
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) {
    return KeyError(key, absl::StrCat("must be an integer, not \"", text, "\""));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status YamlMap::Int(const std::string& key, int* out) const {
  int64_t v = *out;
  absl::Status s = Int(key, &v);
  if (!s.ok()) return s;
  if (v < INT32_MIN || v > INT32_MAX) return KeyError(key, "is out of range");
  *out = static_cast<int>(v);
  return absl::OkStatus();
}

absl::Status YamlMap::Double(const std::string& key, double* out) const {
  std::string text;
  absl::StatusOr<bool> present = Scalar(key, &text);
  if (!present.ok()) return present.status();
  if (!*present) return absl::OkStatus();
  double v = 0;
  if (!absl::SimpleAtod(text, &v)) {
    return KeyError(key, absl::StrCat("must be a number, not \"", text, "\""));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status YamlMap::Duration(const std::string& key, absl::Duration* out) const {
  std::string text;
  absl::StatusOr<bool> present = Scalar(key, &text);
  if (!present.ok()) return present.status();
  if (!*present) return absl::OkStatus();
  int64_t nanos = 0;
  if (absl::SimpleAtoi(text, &nanos)) {
    *out = absl::Nanoseconds(nanos);
    return absl::OkStatus();
  }
  absl::StatusOr<absl::Duration> d = base::ParseDuration(text);
  if (!d.ok()) return KeyError(key, absl::StrCat("is not a duration: \"", text, "\""));
  *out = *d;
  return absl::OkStatus();
}

absl::Status YamlMap::ByteSize(const std::string& key, int64_t* out) const {
  std::string text;
  absl::StatusOr<bool> present = Scalar(key, &text);
  if (!present.ok()) return present.status();
  if (!*present) return absl::OkStatus();
  int64_t bytes = 0;
  if (absl::SimpleAtoi(text, &bytes)) {
    if (bytes < 0) return KeyError(key, "must not be negative");
    *out = bytes;
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> size = base::ParseByteSize(text);
  if (!size.ok()) return KeyError(key, absl::StrCat("is not a byte size: \"", text, "\""));
  *out = *size;
  return absl::OkStatus();
}

absl::Status YamlMap::StringList(const std::string& key, std::vector<std::string>* out) const {
  if (!Has(key)) return absl::OkStatus();
  YAML::Node v = node_[key];
  if (!v.IsSequence()) return KeyError(key, "must be a list");
  std::vector<std::string> items;
  for (const auto& item : v) {
    if (!item.IsScalar()) return KeyError(key, "must be a list of strings");
    items.push_back(item.Scalar());
  }
  *out = std::move(items);
  return absl::OkStatus();
}

absl::Status YamlMap::StringMap(const std::string& key,
                                std::map<std::string, std::string>* out) const {
  if (!Has(key)) return absl::OkStatus();
  YAML::Node v = node_[key];
  if (!v.IsMap()) return KeyError(key, "must be a map");
  std::map<std::string, std::string> items;
  for (const auto& kv : v) {
    if (!kv.second.IsScalar() && !kv.second.IsNull()) {
      return KeyError(key, "must map strings to strings");
    }
    items[kv.first.Scalar()] = kv.second.IsNull() ? "" : kv.second.Scalar();
  }
  *out = std::move(items);
  return absl::OkStatus();
}

absl::StatusOr<YamlMap> YamlMap::Map(const std::string& key) const {
  YAML::Node v = node_.IsMap() ? node_[key] : YAML::Node();
  return Of(v, KeyPath(key), source_);
}

}  // namespace charon::config
