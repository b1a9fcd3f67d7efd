// Google service-account keys and the OAuth2 JWT bearer assertion signed with them (RFC 7523 as
// Google's token endpoint wants it):
//
//   header  {"alg":"RS256","kid":<private_key_id>,"typ":"JWT"}
//   claims  {"aud":<token_uri>,"exp":iat+3600,"iat":<now>,"iss":<client_email>,"scope":<scope>}
//   jwt     base64url(header) "." base64url(claims) "." base64url(RS256(signing input))
//
// RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (OpenSSL EVP), deterministic for a given key and input.
// Pure functions; thread-safe.
#ifndef CHARON_OBJSTORE_GCS_SERVICE_ACCOUNT_H_
#define CHARON_OBJSTORE_GCS_SERVICE_ACCOUNT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::objstore::gcs {

inline constexpr char kReadOnlyScope[] = "https://www.googleapis.com/auth/devstorage.read_only";
inline constexpr char kDefaultTokenUri[] = "https://oauth2.googleapis.com/token";

// The fields of a JSON key file that signing needs.
struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;  // PEM (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY")
  std::string private_key_id;
  std::string token_uri = kDefaultTokenUri;
  std::string project_id;
};

// InvalidArgument for malformed JSON, a missing client_email/private_key, or a private key that
// is not an RSA PEM key; Unimplemented when "type" is not "service_account" (authorized_user,
// external_account...).
absl::StatusOr<ServiceAccountKey> ParseServiceAccountKey(std::string_view json);

// RFC 4648 §5 base64url without padding, as JWTs use.
std::string Base64UrlEncode(std::string_view data);

// base64url(header) "." base64url(claims) for `key`, `scope` and issue time `iat`.
std::string JwtSigningInput(const ServiceAccountKey& key, std::string_view scope, absl::Time iat);

// The raw RS256 signature of `data` (256 bytes for a 2048-bit key). InvalidArgument when the PEM
// does not hold an RSA private key; Internal when OpenSSL fails to sign.
absl::StatusOr<std::string> SignRs256(std::string_view private_key_pem, std::string_view data);

// The complete signed assertion. Errors as SignRs256.
absl::StatusOr<std::string> MakeJwtAssertion(const ServiceAccountKey& key, std::string_view scope,
                                             absl::Time iat);

}  // namespace charon::objstore::gcs

#endif  // CHARON_OBJSTORE_GCS_SERVICE_ACCOUNT_H_
