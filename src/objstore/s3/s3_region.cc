#include "objstore/s3/s3_region.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "objstore/s3/s3_xml.h"

namespace charon::objstore::s3 {

absl::StatusOr<std::string> FetchBucketRegion(http::HttpClient& client,
                                              const S3Addressing& path_style,
                                              const Credentials& credentials) {
  http::HttpRequest request;
  request.url = path_style.BucketUrl({{"location", ""}});
  if (!credentials.anonymous()) {
    request.sigv4 = http::AwsSigV4{.region = "us-east-1",
                                   .service = "s3",
                                   .access_key = credentials.access_key,
                                   .secret_key = credentials.secret_key,
                                   .session_token = credentials.session_token};
  }
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, client.Do(request));
  if (response.status == 200) return ParseLocationConstraint(response.body);
  S3ErrorDoc error = ParseS3Error(response.body);
  if (error.code == "AccessDenied") return std::string("us-east-1");
  if (!error.region.empty()) return error.region;
  std::string region_header = response.Header("x-amz-bucket-region");
  if (!region_header.empty()) return region_header;
  return http::StatusFromHttp(response,
                              absl::StrCat("S3 GetBucketLocation of bucket ", path_style.bucket()));
}

}  // namespace charon::objstore::s3
