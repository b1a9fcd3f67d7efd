// OAuth2 access tokens for the GCS JSON API.
//
// ServiceAccountTokenSource runs the JWT bearer flow: it signs an assertion with the service
// account's key (service_account.h), POSTs it to the key's token_uri
// (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>), and caches the
// returned access_token until shortly before it expires (expires_in, counted from when the answer
// arrived, so clock skew with Google does not matter).
//
// Thread-safe. Refreshing holds the lock, so concurrent callers that find the token stale wait
// for the one fetch in flight and share its result instead of each fetching.
#ifndef CHARON_OBJSTORE_GCS_TOKEN_SOURCE_H_
#define CHARON_OBJSTORE_GCS_TOKEN_SOURCE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "objstore/gcs/service_account.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::gcs {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // A valid access token. Errors as the implementation documents.
  virtual absl::StatusOr<std::string> Token() = 0;
  // Forgets the cached token (e.g. after a 401), so the next Token() fetches a new one.
  virtual void Invalidate() = 0;
};

struct ServiceAccountTokenSourceOptions {
  ServiceAccountKey key;
  std::string scope = kReadOnlyScope;
  http::HttpConfig http_config;
  http::RetryPolicy retry;
  // A token is refreshed this long before it expires (at most half its lifetime).
  absl::Duration refresh_margin = absl::Minutes(1);
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class ServiceAccountTokenSource final : public TokenSource {
 public:
  // InvalidArgument when the key cannot sign; errors of HttpClient::Create. No request is made.
  static absl::StatusOr<std::unique_ptr<ServiceAccountTokenSource>> Create(
      ServiceAccountTokenSourceOptions options);

  // The cached token, or a new one. Errors of a fetch: Unavailable (transport, 5xx, 429),
  // PermissionDenied (the endpoint refused the assertion: 4xx, naming client_email and the
  // endpoint's answer), DataLoss (an answer without access_token), Internal (signing failed).
  // A failed fetch is not cached: the next call tries again.
  absl::StatusOr<std::string> Token() override;
  void Invalidate() override;

 private:
  ServiceAccountTokenSource(ServiceAccountTokenSourceOptions options,
                            std::unique_ptr<http::HttpClient> client)
      : options_(std::move(options)), client_(std::move(client)) {}
  absl::Status Fetch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ServiceAccountTokenSourceOptions options_;
  const std::unique_ptr<http::HttpClient> client_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time refresh_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace charon::objstore::gcs

#endif  // CHARON_OBJSTORE_GCS_TOKEN_SOURCE_H_
