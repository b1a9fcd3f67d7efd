// GetBucketLocation: which AWS region a bucket lives in, asked of the endpoint the user configured
// (path style, signed for us-east-1, as minio-go asks). Thread-safe (stateless).
#ifndef CHARON_OBJSTORE_S3_S3_REGION_H_
#define CHARON_OBJSTORE_S3_S3_REGION_H_

#include <string>

#include "absl/status/statusor.h"
#include "objstore/http/http_client.h"
#include "objstore/s3/s3_config.h"
#include "objstore/s3/s3_endpoint.h"

namespace charon::objstore::s3 {

// The bucket's region. An AccessDenied answer gives "us-east-1" (the caller may not be allowed to
// ask; minio-go falls back the same way); an error naming the region (<Region>) gives that region.
// Other answers: the status StatusFromHttp gives, naming the bucket; transport errors as
// HttpClient::Do.
absl::StatusOr<std::string> FetchBucketRegion(http::HttpClient& client,
                                              const S3Addressing& path_style,
                                              const Credentials& credentials);

}  // namespace charon::objstore::s3

#endif  // CHARON_OBJSTORE_S3_S3_REGION_H_
