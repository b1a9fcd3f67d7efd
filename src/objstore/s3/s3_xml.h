// Decoding of the S3 XML answers Charon reads: ListObjects (V1 and V2) pages, error documents and
// the bucket location. Pure functions over bytes (pugixml); thread-safe.
#ifndef CHARON_OBJSTORE_S3_S3_XML_H_
#define CHARON_OBJSTORE_S3_S3_XML_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace charon::objstore::s3 {

// One page of a ListObjects / ListObjectsV2 answer, keys already URL-decoded when the answer says
// `<EncodingType>url</EncodingType>`.
struct ListPage {
  std::vector<std::string> keys{};             // <Contents><Key>, in the answer's order
  std::vector<std::string> common_prefixes{};  // <CommonPrefixes><Prefix>
  bool truncated = false;
  std::string next_continuation_token{};  // V2
  std::string next_marker{};              // V1 <NextMarker>; "" when the answer has none
};

// Unavailable (the answer is not what S3 sends) for malformed XML, a root other than
// ListBucketResult, or a bad URL escape.
absl::StatusOr<ListPage> ParseListBucketResult(std::string_view xml);

// The fields of an S3 error document; all empty if `xml` is not one (e.g. an empty HEAD body).
struct S3ErrorDoc {
  std::string code{};  // NoSuchKey, NoSuchBucket, AccessDenied...
  std::string message{};
  std::string region{};  // <Region>, sent with some redirect and region errors
};
S3ErrorDoc ParseS3Error(std::string_view xml);

// The region of a GetBucketLocation answer: "" or absent = us-east-1, "EU" = eu-west-1.
// Unavailable for malformed XML.
absl::StatusOr<std::string> ParseLocationConstraint(std::string_view xml);

// Go's url.QueryUnescape: %XX escapes and '+' as a space. InvalidArgument on a bad escape.
absl::StatusOr<std::string> QueryUnescape(std::string_view s);

}  // namespace charon::objstore::s3

#endif  // CHARON_OBJSTORE_S3_S3_XML_H_
