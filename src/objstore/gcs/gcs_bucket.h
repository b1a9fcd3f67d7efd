// GcsBucket: a Bucket over one Google Cloud Storage bucket (Thanos `type: GCS`), read through the
// JSON API with an OAuth2 bearer token (token_source.h), or without authentication when talking
// to an emulator (STORAGE_EMULATOR_HOST).
//
//   Iter        GET {base}/storage/v1/b/<bucket>/o?prefix=&delimiter=/&pageToken=  (items[].name,
//               prefixes[], nextPageToken; no delimiter when recursive)
//   Get/Range   GET {base}/storage/v1/b/<bucket>/o/<name, fully %-encoded>?alt=media with Range;
//               416 (a range starting at or past the end) is an empty result.
//   Exists      GET .../o/<name> (metadata): 200 true, 404 false.
//   Attributes  the metadata's size and updated (RFC 3339).
//
// Status codes beyond bucket.h: PermissionDenied for 401/403 and for token endpoint refusals;
// Unavailable for 5xx/429/transport failures once the retries are spent; DataLoss for an
// unreadable listing or metadata answer. Messages name the bucket and the object. A 401 makes
// the bucket drop its cached token and retry the request once with a new one.
//
// Thread-safe: the HTTP client pools connections and the token source locks its cache.
#ifndef CHARON_OBJSTORE_GCS_GCS_BUCKET_H_
#define CHARON_OBJSTORE_GCS_GCS_BUCKET_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/yaml_fields.h"
#include "objstore/bucket.h"
#include "objstore/gcs/gcs_config.h"
#include "objstore/gcs/token_source.h"
#include "objstore/http/http_client.h"

namespace charon::objstore {

// The `config` map of `type: GCS` (keys and errors in objstore/gcs/gcs_config.h); reads
// STORAGE_EMULATOR_HOST from the environment.
absl::StatusOr<std::unique_ptr<Bucket>> NewGcsBucketFromYaml(const config::YamlMap& config,
                                                             http::HedgingPolicy hedging = {});

namespace gcs {

inline constexpr char kDefaultBaseUrl[] = "https://storage.googleapis.com";

struct GcsBucketOptions {
  std::string bucket;
  std::string base_url = kDefaultBaseUrl;  // no trailing '/'
  std::shared_ptr<TokenSource> tokens;     // null: no Authorization header (emulators)
  http::HttpConfig http_config;
  http::RetryPolicy retry;
  http::HedgingPolicy hedging;                        // the objstore YAML's hedging_config
  absl::Duration timeout = absl::InfiniteDuration();  // per call, all attempts
  int list_page_size = 1000;                          // maxResults; the API's maximum
};

// The bucket for a parsed config. `emulator_host` is STORAGE_EMULATOR_HOST ("" = unset): when
// set, requests go there over plain HTTP without authentication (service_account is ignored);
// otherwise service_account is required (Unimplemented without it, see gcs_config.h).
absl::StatusOr<std::unique_ptr<Bucket>> NewGcsBucket(const GcsConfig& config,
                                                     std::string_view emulator_host,
                                                     http::HedgingPolicy hedging = {});

class GcsBucket final : public Bucket {
 public:
  // InvalidArgument for an empty bucket name or page size < 1; errors of HttpClient::Create.
  static absl::StatusOr<std::unique_ptr<GcsBucket>> Open(GcsBucketOptions options);

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  // "GCS:<bucket>".
  std::string Name() const override;

 private:
  GcsBucket(GcsBucketOptions options, std::unique_ptr<http::HttpClient> client)
      : options_(std::move(options)), client_(std::move(client)) {}

  // Sends a GET with the bearer token; on 401 renews the token and sends once more.
  absl::StatusOr<http::HttpResponse> Send(const std::string& url,
                                          std::vector<std::pair<std::string, std::string>> headers);
  std::string ObjectUrl(std::string_view name) const;
  absl::StatusOr<http::HttpResponse> Metadata(std::string_view name);
  absl::StatusOr<std::string> Read(std::string_view name, int64_t offset, int64_t length);
  std::string What(std::string_view action, std::string_view name) const;

  const GcsBucketOptions options_;
  const std::unique_ptr<http::HttpClient> client_;
};

}  // namespace gcs
}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_GCS_GCS_BUCKET_H_
