#include "cache/bucket_cache_codecs.h"

#include <nlohmann/json.hpp>

#include "absl/time/time.h"

namespace charon::cache {
namespace {

// Go's zero time.Time, which is what Thanos encodes for an unknown modification time.
constexpr char kGoZeroTime[] = "0001-01-01T00:00:00Z";

std::string FormatGoTime(absl::Time t) {
  if (t == absl::InfinitePast()) return kGoZeroTime;
  // RFC 3339 with as many fractional digits as needed and "Z" for UTC, like Go's RFC3339Nano.
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*S", t, absl::UTCTimeZone()) + "Z";
}

std::optional<absl::Time> ParseGoTime(const std::string& s) {
  if (s == kGoZeroTime) return absl::InfinitePast();
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return std::nullopt;
  return t;
}

}  // namespace

std::string EncodeAttributes(const objstore::ObjectAttributes& attrs) {
  nlohmann::ordered_json j;
  j["size"] = attrs.size;
  j["last_modified"] = FormatGoTime(attrs.last_modified);
  return j.dump();
}

std::optional<objstore::ObjectAttributes> DecodeAttributes(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto size = j.find("size");
  auto modified = j.find("last_modified");
  if (size == j.end() || !size->is_number_integer()) return std::nullopt;
  objstore::ObjectAttributes attrs;
  attrs.size = size->get<int64_t>();
  if (attrs.size < 0) return std::nullopt;
  if (modified != j.end()) {
    if (!modified->is_string()) return std::nullopt;
    std::optional<absl::Time> t = ParseGoTime(modified->get<std::string>());
    if (!t) return std::nullopt;
    attrs.last_modified = *t;
  }
  return attrs;
}

std::string EncodeBool(bool b) { return b ? "true" : "false"; }

std::optional<bool> DecodeBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False")
    return false;
  return std::nullopt;
}

std::optional<std::string> EncodeNames(const std::vector<std::string>& names) {
  if (names.empty()) return "null";
  nlohmann::json j = names;
  try {
    return j.dump();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // invalid UTF-8
  }
}

std::optional<std::vector<std::string>> DecodeNames(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_null()) return std::vector<std::string>{};
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> names;
  names.reserve(j.size());
  for (const auto& v : j) {
    if (!v.is_string()) return std::nullopt;
    names.push_back(v.get<std::string>());
  }
  return names;
}

}  // namespace charon::cache
