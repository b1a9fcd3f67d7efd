// FakeGcsServer: an in-memory Google Cloud Storage for tests, on a local TestHttpServer. It plays
// both the OAuth2 token endpoint and the read side of the JSON API, with GCS' semantics:
//
//   POST /token                              JWT bearer grant: the assertion's RS256 signature is
//                                            verified with the given public key and its claims
//                                            checked (iss, scope, aud, iat/exp); answers
//                                            {"access_token":"token-N","expires_in":...}
//   GET /storage/v1/b/<bucket>/o             objects.list: prefix, delimiter, maxResults (capped
//                                            at the page size), opaque pageToken/nextPageToken;
//                                            items and prefixes as separate lists
//   GET /storage/v1/b/<bucket>/o/<name>      metadata (size as a string, updated RFC 3339), or
//       ...?alt=media                        the bytes, with Range (206 + Content-Range; 416 when
//                                            the range starts at or past the end)
//
// With authentication on (a public key given), API calls without "Authorization: Bearer <a token
// this server issued and did not revoke>" get 401. Unknown buckets and objects get 404 with a
// JSON error, as GCS answers.
//
// Thread-safe: requests are served concurrently; the accessors may be called from any thread.
#ifndef CHARON_OBJSTORE_GCS_FAKE_GCS_SERVER_H_
#define CHARON_OBJSTORE_GCS_FAKE_GCS_SERVER_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "objstore/http/testing/test_http_server.h"

namespace charon::objstore::gcs {

struct FakeGcsOptions {
  std::string bucket = "test-bucket";
  std::map<std::string, std::string> objects;
  int page_size = 1000;  // the most entries (items + prefixes) one list page holds
  // Authentication; off when public_key_pem is empty.
  std::string public_key_pem;
  std::string client_email;  // the iss the assertions must carry
  int64_t expires_in = 3600;
};

class FakeGcsServer {
 public:
  // Unavailable if it cannot listen; InvalidArgument for an unreadable public key.
  static absl::StatusOr<std::unique_ptr<FakeGcsServer>> Start(FakeGcsOptions options);
  // Stops serving (joining the connection threads) before the state goes away.
  ~FakeGcsServer() { server_.reset(); }

  // "http://127.0.0.1:<port>": the JSON API base and the STORAGE_EMULATOR_HOST value.
  std::string url() const { return server_->url(); }
  std::string token_uri() const { return url() + "/token"; }

  // Tokens issued so far, and the reason the last refused assertion was refused ("" if none).
  int tokens_issued() const;
  std::string last_token_error() const;
  // Every request received, token requests included.
  std::vector<http::RecordedRequest> requests() const { return server_->requests(); }
  // The next `n` API requests (not token requests) are answered with `status`.
  void FailNext(int n, int status);
  // Every token issued so far is refused from now on (401).
  void RevokeTokens();

 private:
  explicit FakeGcsServer(FakeGcsOptions options);
  http::TestResponse Handle(const http::RecordedRequest& request);
  http::TestResponse Token(const http::RecordedRequest& request);
  http::TestResponse List(const std::map<std::string, std::string>& query) const;
  http::TestResponse Object(const std::string& name, bool media,
                            const http::RecordedRequest& request) const;
  // "" when the assertion is valid, else why not.
  std::string CheckAssertion(const std::string& jwt) const;

  const FakeGcsOptions options_;
  const absl::Time updated_;
  std::unique_ptr<http::TestHttpServer> server_;
  mutable absl::Mutex mu_;
  std::set<std::string> valid_tokens_ ABSL_GUARDED_BY(mu_);
  int tokens_issued_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_token_error_ ABSL_GUARDED_BY(mu_);
  int fail_next_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_status_ ABSL_GUARDED_BY(mu_) = 503;
};

}  // namespace charon::objstore::gcs

#endif  // CHARON_OBJSTORE_GCS_FAKE_GCS_SERVER_H_
