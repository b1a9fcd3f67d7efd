// S3Bucket: the Bucket contract over the Amazon S3 REST API (AWS and S3-compatible stores such as
// MinIO and Ceph), for `type: S3` of Thanos' objstore YAML.
//
// Requests are signed with AWS Signature V4 (by libcurl) unless no credentials are found, in which
// case they are anonymous. Iter uses ListObjectsV2 (or V1 with `list_objects_version: v1`),
// paginated; Get/GetRange use GET with a Range header; Exists/Attributes use HEAD. Transport
// errors, timeouts, 429 and 5xx answers are retried with backoff up to `max_retries` attempts
// (default 10, as minio-go).
//
// Region: `region`, else $AWS_REGION, else the one an AWS regional endpoint names; for the global
// AWS endpoint the bucket's location is asked once (GetBucketLocation) and kept; other endpoints
// use us-east-1. On AWS the requests then go to s3[.dualstack].<region>.amazonaws.com, as
// minio-go does (`disable_dualstack: true` drops ".dualstack").
//
// Status codes, besides the Bucket contract's: PermissionDenied for 401/403 answers; NotFound
// naming the bucket when the bucket itself does not exist (NoSuchBucket); Unavailable for 5xx
// after the last retry and for answers that cannot be decoded; every message names the bucket
// and, where there is one, the object.
//
// Thread-safe: every method may be called concurrently.
#ifndef CHARON_OBJSTORE_S3_S3_BUCKET_H_
#define CHARON_OBJSTORE_S3_S3_BUCKET_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "config/yaml_fields.h"
#include "objstore/bucket.h"
#include "objstore/http/http_client.h"
#include "objstore/s3/s3_config.h"
#include "objstore/s3/s3_endpoint.h"

namespace charon::objstore {

struct S3BucketOptions {
  s3::S3Config config{};
  s3::Credentials credentials{};
  // The region to sign with; nullopt = decide as described above.
  std::optional<std::string> region{};
  // max-keys per listing page; 0 = the server's default (1000 on S3).
  int list_page_size = 0;
  // Backoff between attempts; the number of attempts comes from config.max_retries.
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(1);
  http::HedgingPolicy hedging{};  // the objstore YAML's hedging_config
};

class S3Bucket final : public Bucket {
 public:
  // InvalidArgument for a bad endpoint or an unreadable / wrong-sized SSE-C key file. No request
  // is made here.
  static absl::StatusOr<std::unique_ptr<S3Bucket>> Open(S3BucketOptions options);

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  std::string Name() const override;  // "S3:<bucket>"

 private:
  // Where requests go and how they are signed, once the region is known.
  struct Target {
    s3::S3Addressing addressing;
    std::string region;
  };

  S3Bucket(S3BucketOptions options, std::unique_ptr<http::HttpClient> client,
           s3::S3Addressing addressing, std::vector<std::pair<std::string, std::string>> sse_c)
      : options_(std::move(options)),
        client_(std::move(client)),
        addressing_(std::move(addressing)),
        sse_c_headers_(std::move(sse_c)) {}

  absl::StatusOr<Target> ResolveTarget();
  // One request to the bucket; transport errors come back naming `op` and `object`.
  absl::StatusOr<http::HttpResponse> Send(const Target& target, std::string method, std::string url,
                                          std::vector<std::pair<std::string, std::string>> headers,
                                          std::string_view op, std::string_view object);
  // The status for a non-success answer.
  absl::Status ErrorFor(const http::HttpResponse& response, std::string_view op,
                        std::string_view object) const;
  absl::StatusOr<http::HttpResponse> Head(std::string_view name);
  absl::StatusOr<std::string> Read(std::string_view name, int64_t offset, int64_t length);

  const S3BucketOptions options_;
  const std::unique_ptr<http::HttpClient> client_;
  const s3::S3Addressing addressing_;  // as configured
  const std::vector<std::pair<std::string, std::string>> sse_c_headers_;
  absl::Mutex mu_;
  std::optional<Target> target_ ABSL_GUARDED_BY(mu_);
};

// `config:` of `type: S3` (see objstore/s3/s3_config.h), credentials and region from the
// environment as S3Bucket describes. Errors as ParseS3Config, ResolveCredentials and Open.
absl::StatusOr<std::unique_ptr<Bucket>> NewS3BucketFromYaml(const config::YamlMap& config,
                                                            http::HedgingPolicy hedging = {});

}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_S3_S3_BUCKET_H_
