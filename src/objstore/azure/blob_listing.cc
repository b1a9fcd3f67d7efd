#include "objstore/azure/blob_listing.h"

#include <algorithm>
#include <cstring>
#include <pugixml.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/percent_encoding.h"
#include "objstore/azure/shared_key.h"

namespace charon::objstore::azure {
namespace {

std::string NameOf(const pugi::xml_node& item) {
  pugi::xml_node name = item.child("Name");
  std::string text = name.text().as_string();
  if (name.attribute("Encoded").as_bool())
    return base::PercentDecode(text, /*plus_as_space=*/false);
  return text;
}

}  // namespace

absl::StatusOr<BlobListPage> ParseBlobListPage(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return absl::DataLossError(
        absl::StrCat("List Blobs answer is not XML: ", parsed.description()));
  }
  pugi::xml_node root = doc.child("EnumerationResults");
  if (!root) return absl::DataLossError("List Blobs answer has no EnumerationResults element");
  BlobListPage page;
  for (pugi::xml_node item : root.child("Blobs").children()) {
    if (std::strcmp(item.name(), "Blob") == 0 || std::strcmp(item.name(), "BlobPrefix") == 0) {
      page.names.push_back(NameOf(item));
    }
  }
  // The service already sorts; sorting again keeps Iter's byte-order promise if blobs and
  // prefixes come grouped rather than interleaved.
  std::sort(page.names.begin(), page.names.end());
  page.next_marker = root.child("NextMarker").text().as_string();
  return page;
}

}  // namespace charon::objstore::azure
