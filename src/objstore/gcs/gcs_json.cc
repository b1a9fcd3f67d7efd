#include "objstore/gcs/gcs_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace charon::objstore::gcs {
namespace {

absl::StatusOr<nlohmann::json> ParseObject(std::string_view json, std::string_view what) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::DataLossError(
        absl::StrCat(absl::string_view(what.data(), what.size()), " answer is not a JSON object"));
  }
  return doc;
}

}  // namespace

absl::StatusOr<ObjectListPage> ParseObjectListPage(std::string_view json) {
  absl::StatusOr<nlohmann::json> doc = ParseObject(json, "objects.list");
  if (!doc.ok()) return doc.status();
  ObjectListPage page;
  if (auto items = doc->find("items"); items != doc->end()) {
    if (!items->is_array()) return absl::DataLossError("objects.list: items is not an array");
    for (const nlohmann::json& item : *items) {
      auto name = item.is_object() ? item.find("name") : item.end();
      if (!item.is_object() || name == item.end() || !name->is_string()) {
        return absl::DataLossError("objects.list: an item has no string name");
      }
      page.names.push_back(name->get<std::string>());
    }
  }
  if (auto prefixes = doc->find("prefixes"); prefixes != doc->end()) {
    if (!prefixes->is_array()) return absl::DataLossError("objects.list: prefixes is not an array");
    for (const nlohmann::json& prefix : *prefixes) {
      if (!prefix.is_string()) return absl::DataLossError("objects.list: a prefix is not a string");
      page.names.push_back(prefix.get<std::string>());
    }
  }
  // Items and prefixes come in two lists; Iter promises one byte-ordered sequence.
  std::sort(page.names.begin(), page.names.end());
  if (auto token = doc->find("nextPageToken"); token != doc->end() && token->is_string()) {
    page.next_page_token = token->get<std::string>();
  }
  return page;
}

absl::StatusOr<ObjectAttributes> ParseObjectMetadata(std::string_view json) {
  absl::StatusOr<nlohmann::json> doc = ParseObject(json, "objects.get");
  if (!doc.ok()) return doc.status();
  ObjectAttributes attrs;
  auto size = doc->find("size");
  bool size_ok = false;
  if (size != doc->end() && size->is_string()) {
    size_ok = absl::SimpleAtoi(size->get<std::string>(), &attrs.size) && attrs.size >= 0;
  } else if (size != doc->end() && size->is_number_unsigned()) {
    attrs.size = size->get<int64_t>();
    size_ok = attrs.size >= 0;
  }
  if (!size_ok) return absl::DataLossError("objects.get: missing or malformed size");
  auto updated = doc->find("updated");
  std::string err;
  if (updated == doc->end() || !updated->is_string() ||
      !absl::ParseTime(absl::RFC3339_full, updated->get<std::string>(), &attrs.last_modified,
                       &err)) {
    return absl::DataLossError(absl::StrCat("objects.get: missing or malformed updated ", err));
  }
  return attrs;
}

}  // namespace charon::objstore::gcs
