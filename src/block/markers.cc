#include "block/markers.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::block {
namespace {

using Json = nlohmann::json;

absl::Status Corrupt(std::string_view file, std::string_view why) {
  return absl::DataLossError(absl::StrCat(base::Absl(file), ": ", base::Absl(why)));
}

// Fields shared by every marker. Absent or null keys keep the defaults.
struct Common {
  base::Ulid id;
  int64_t version = 0;
  std::string details;
};

// Checked after every field decoded, so a malformed field wins over a wrong version, as with Go's
// unmarshal-then-check.
absl::Status CheckVersion(int64_t version, std::string_view file) {
  if (version == kMarkerVersion1) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(base::Absl(file), ": unexpected version ", version, ", expected 1"));
}

absl::Status GetString(const Json& j, const char* key, std::string_view file, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return Corrupt(file, absl::StrCat(key, " is not a string"));
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status GetInt(const Json& j, const char* key, std::string_view file, int64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return absl::OkStatus();
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Corrupt(file, absl::StrCat(key, " out of range"));
    }
    *out = static_cast<int64_t>(it->get<uint64_t>());
  } else if (it->is_number_integer()) {
    *out = it->get<int64_t>();
  } else {
    return Corrupt(file, absl::StrCat(key, " is not an integer"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> ParseObject(std::string_view json, std::string_view file) {
  // nlohmann-json reports errors by exception; they stop here.
  try {
    Json j = Json::parse(json.begin(), json.end());
    if (!j.is_object()) return Corrupt(file, "not a JSON object");
    return j;
  } catch (const Json::exception& e) {
    return Corrupt(file, e.what());
  }
}

absl::StatusOr<Common> ParseCommon(const Json& j, std::string_view file) {
  Common c;
  std::string id;
  CHARON_RETURN_IF_ERROR(GetString(j, "id", file, &id));
  if (!id.empty()) {
    auto parsed = base::Ulid::Parse(id);
    if (!parsed.ok()) return Corrupt(file, base::Std(parsed.status().message()));
    c.id = *parsed;
  }
  CHARON_RETURN_IF_ERROR(GetInt(j, "version", file, &c.version));
  CHARON_RETURN_IF_ERROR(GetString(j, "details", file, &c.details));
  return c;
}

}  // namespace

absl::StatusOr<DeletionMark> ParseDeletionMark(std::string_view json) {
  CHARON_ASSIGN_OR_RETURN(Json j, ParseObject(json, kDeletionMarkFilename));
  CHARON_ASSIGN_OR_RETURN(Common c, ParseCommon(j, kDeletionMarkFilename));
  DeletionMark m{c.id, kMarkerVersion1, std::move(c.details), 0};
  CHARON_RETURN_IF_ERROR(GetInt(j, "deletion_time", kDeletionMarkFilename, &m.deletion_time));
  CHARON_RETURN_IF_ERROR(CheckVersion(c.version, kDeletionMarkFilename));
  return m;
}

absl::StatusOr<NoCompactMark> ParseNoCompactMark(std::string_view json) {
  CHARON_ASSIGN_OR_RETURN(Json j, ParseObject(json, kNoCompactMarkFilename));
  CHARON_ASSIGN_OR_RETURN(Common c, ParseCommon(j, kNoCompactMarkFilename));
  NoCompactMark m{c.id, kMarkerVersion1, std::move(c.details), 0, ""};
  CHARON_RETURN_IF_ERROR(GetInt(j, "no_compact_time", kNoCompactMarkFilename, &m.no_compact_time));
  CHARON_RETURN_IF_ERROR(GetString(j, "reason", kNoCompactMarkFilename, &m.reason));
  CHARON_RETURN_IF_ERROR(CheckVersion(c.version, kNoCompactMarkFilename));
  return m;
}

absl::StatusOr<DeletionMark> ReadDeletionMark(objstore::Bucket& bucket, const base::Ulid& id) {
  CHARON_ASSIGN_OR_RETURN(
      std::string json,
      bucket.Get(absl::StrCat(id.ToString(), "/", base::Absl(kDeletionMarkFilename))));
  return ParseDeletionMark(json);
}

}  // namespace charon::block
