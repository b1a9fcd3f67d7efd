// Parsing of the GCS JSON API answers the bucket reads:
//
//   objects.list  {"kind":"storage#objects","prefixes":["a/"],"items":[{"name":"b",...}],
//                  "nextPageToken":"..."}   (absent fields = none)
//   objects.get   {"name":"b","size":"123","updated":"2024-01-02T03:04:05.678Z",...}
//                 (size is an int64 carried as a JSON string)
#ifndef CHARON_OBJSTORE_GCS_GCS_JSON_H_
#define CHARON_OBJSTORE_GCS_GCS_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "objstore/bucket.h"

namespace charon::objstore::gcs {

struct ObjectListPage {
  // items[].name and prefixes[] merged in ascending byte order.
  std::vector<std::string> names;
  std::string next_page_token;  // "" on the last page
};

// DataLoss when the body is not a JSON object or a name is not a string.
absl::StatusOr<ObjectListPage> ParseObjectListPage(std::string_view json);

// DataLoss when size or updated are missing or malformed.
absl::StatusOr<ObjectAttributes> ParseObjectMetadata(std::string_view json);

}  // namespace charon::objstore::gcs

#endif  // CHARON_OBJSTORE_GCS_GCS_JSON_H_
