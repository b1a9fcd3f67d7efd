// Azure Storage "Shared Key" authorization: every request carries
//   Authorization: SharedKey <account>:<base64 HMAC-SHA256(key, string-to-sign)>
// where the string-to-sign is built from the verb, the standard headers, the x-ms-* headers and
// the canonicalized resource ("/<account><encoded URL path>" plus the sorted, decoded query
// parameters), as the Blob service defines it for versions 2015-02-21 and later (an empty
// Content-Length when the body is empty).
//
// Path-style endpoints (the emulator's http://127.0.0.1:10000/devstoreaccount1/...) sign the
// account twice: "/devstoreaccount1/devstoreaccount1/<container>/...", as Azure's SDKs do.
//
// Thread-safety: immutable after Create(); all methods may be called concurrently.
#ifndef CHARON_OBJSTORE_AZURE_SHARED_KEY_H_
#define CHARON_OBJSTORE_AZURE_SHARED_KEY_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::azure {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class SharedKeyCredential {
 public:
  // `account_key_base64` is the storage account key as the portal shows it (base64).
  // InvalidArgument if the account is empty or the key is empty or not valid base64.
  static absl::StatusOr<SharedKeyCredential> Create(std::string account,
                                                    std::string_view account_key_base64);

  const std::string& account() const { return account_; }

  // The string-to-sign of a request to the absolute, percent-encoded `url` with `headers`
  // (names matched case-insensitively; x-ms-* names lower-cased and sorted) and a body of
  // `content_length` bytes.
  std::string StringToSign(std::string_view method, std::string_view url, const HeaderList& headers,
                           size_t content_length) const;

  // base64(HMAC-SHA256(decoded key, string_to_sign)).
  std::string Signature(std::string_view string_to_sign) const;

  // Adds x-ms-date (RFC 1123, from `now`) unless present, then the Authorization header.
  void Sign(http::HttpRequest& request, absl::Time now) const;

 private:
  SharedKeyCredential(std::string account, std::string key)
      : account_(std::move(account)), key_(std::move(key)) {}

  std::string account_;
  std::string key_;  // raw bytes of the decoded key
};

// RFC 1123 date in GMT as HTTP and x-ms-date want it: "Mon, 02 Jan 2006 15:04:05 GMT".
std::string HttpDate(absl::Time t);

// Parses an HttpDate (e.g. a Last-Modified header). InvalidArgument when malformed.
absl::StatusOr<absl::Time> ParseHttpDate(std::string_view s);

}  // namespace charon::objstore::azure

#endif  // CHARON_OBJSTORE_AZURE_SHARED_KEY_H_
