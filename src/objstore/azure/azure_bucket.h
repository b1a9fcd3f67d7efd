// AzureBucket: a Bucket over one Azure Blob Storage container (Thanos `type: AZURE`), read through
// the Blob service REST API with Shared Key authorization.
//
//   Iter        List Blobs (restype=container&comp=list), prefix + delimiter '/' unless recursive,
//               following NextMarker until the last page.
//   Get/Range   Get Blob, with x-ms-range for ranges. Azure answers 416 for a range starting at
//               or past the end; that is an empty result here, as the Bucket contract wants.
//   Exists      Get Blob Properties (HEAD): 200 true, 404 false.
//   Attributes  Get Blob Properties: Content-Length and Last-Modified.
//
// Status codes beyond bucket.h: PermissionDenied for 401/403 (bad key, missing rights), NotFound
// for a missing container too; Unavailable for 5xx/429/transport failures once the retries of
// the config's pipeline settings are spent; DataLoss for an unreadable listing. Messages name the
// container and the blob.
//
// Config mapping (NewAzureBucketFromYaml): pipeline_config.max_tries/retry_delay/max_retry_delay
// drive the shared client's retries; the client has one deadline per call rather than per try, so
// try_timeout bounds a call at try_timeout x attempts. A body cut short is retried as a whole
// request within those attempts, which covers reader_config.max_retry_requests. The container is
// never created (Charon only reads): storage_create_container is accepted and has no effect.
//
// Thread-safe: the HTTP client pools connections; the bucket holds no other mutable state.
#ifndef CHARON_OBJSTORE_AZURE_AZURE_BUCKET_H_
#define CHARON_OBJSTORE_AZURE_AZURE_BUCKET_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/yaml_fields.h"
#include "objstore/azure/shared_key.h"
#include "objstore/bucket.h"
#include "objstore/http/http_client.h"

namespace charon::objstore {

// The `config` map of `type: AZURE` (see objstore/azure/azure_config.h for keys and errors).
absl::StatusOr<std::unique_ptr<Bucket>> NewAzureBucketFromYaml(const config::YamlMap& config,
                                                               http::HedgingPolicy hedging = {});

namespace azure {

struct AzureBucketOptions {
  // e.g. https://acct.blob.core.windows.net/thanos or http://127.0.0.1:10000/devstoreaccount1/c
  std::string container_url;
  std::string container;
  std::string account;
  std::string account_key;  // base64
  http::HttpConfig http_config;
  http::RetryPolicy retry;
  http::HedgingPolicy hedging;  // the objstore YAML's hedging_config
  // Deadline of each call (all attempts); infinite = only the http_config timeouts.
  absl::Duration timeout = absl::InfiniteDuration();
  int list_page_size = 5000;  // maxresults; the service's maximum
  std::string api_version = "2020-10-02";
};

class AzureBucket final : public Bucket {
 public:
  // InvalidArgument for a bad key or empty container/URL; errors of HttpClient::Create. No request
  // is made here.
  static absl::StatusOr<std::unique_ptr<AzureBucket>> Open(AzureBucketOptions options);

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    IterOptions options = {}) override;
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override;
  absl::StatusOr<ObjectAttributes> Attributes(std::string_view name) override;
  // "AZURE:<account>/<container>".
  std::string Name() const override;

 private:
  AzureBucket(AzureBucketOptions options, SharedKeyCredential credential,
              std::unique_ptr<http::HttpClient> client)
      : options_(std::move(options)),
        credential_(std::move(credential)),
        client_(std::move(client)) {}

  // Signs and sends; returns the response whatever its status code.
  absl::StatusOr<http::HttpResponse> Send(std::string method, std::string url,
                                          HeaderList headers = {});
  std::string BlobUrl(std::string_view name) const;
  absl::StatusOr<std::string> Read(std::string_view name, int64_t offset, int64_t length);

  const AzureBucketOptions options_;
  const SharedKeyCredential credential_;
  const std::unique_ptr<http::HttpClient> client_;
};

}  // namespace azure
}  // namespace charon::objstore

#endif  // CHARON_OBJSTORE_AZURE_AZURE_BUCKET_H_
