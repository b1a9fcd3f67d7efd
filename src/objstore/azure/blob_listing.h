// Parsing of the Blob service's List Blobs answer (XML):
//
//   <EnumerationResults ContainerName="...">
//     <Prefix>01AAA/</Prefix> <Delimiter>/</Delimiter>
//     <Blobs>
//       <Blob><Name>01AAA/index</Name><Properties>...</Properties></Blob>
//       <BlobPrefix><Name>01AAA/chunks/</Name></BlobPrefix>
//     </Blobs>
//     <NextMarker>opaque</NextMarker>
//   </EnumerationResults>
//
// A <Name Encoded="true"> holds a percent-encoded name (names with characters XML cannot carry).
#ifndef CHARON_OBJSTORE_AZURE_BLOB_LISTING_H_
#define CHARON_OBJSTORE_AZURE_BLOB_LISTING_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace charon::objstore::azure {

struct BlobListPage {
  // Blob names and prefixes (ending in the delimiter) merged in ascending byte order.
  std::vector<std::string> names;
  std::string next_marker;  // "" on the last page
};

// DataLoss when the body is not XML or has no EnumerationResults element.
absl::StatusOr<BlobListPage> ParseBlobListPage(std::string_view xml);

}  // namespace charon::objstore::azure

#endif  // CHARON_OBJSTORE_AZURE_BLOB_LISTING_H_
