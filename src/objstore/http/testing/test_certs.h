// Test-only TLS material, generated at test time with the OpenSSL C API (EC P-256 keys, SHA-256
// signatures, valid from an hour ago for a day): a CA, certificates it signs for servers and a
// client, and a second CA with certificates of its own. Nothing is committed and no `openssl`
// binary is run.
#ifndef CHARON_OBJSTORE_HTTP_TESTING_TEST_CERTS_H_
#define CHARON_OBJSTORE_HTTP_TESTING_TEST_CERTS_H_

#include <string>

#include "absl/status/statusor.h"

namespace charon::objstore::http {

// Paths of PEM files (a certificate, or an unencrypted PKCS#8 private key) in one directory.
struct TestCerts {
  std::string ca_cert{};  // self-signed CA "charon test CA"
  // Signed by the CA, subjectAltName IP:127.0.0.1 and DNS:localhost, extendedKeyUsage serverAuth.
  std::string server_cert{};
  std::string server_key{};
  // Signed by the CA, subjectAltName DNS:storage.internal only, extendedKeyUsage serverAuth.
  std::string storage_internal_cert{};
  std::string storage_internal_key{};
  // Signed by the CA, extendedKeyUsage clientAuth.
  std::string client_cert{};
  std::string client_key{};
  // Signed by a second CA (not `ca_cert`): the same names and uses as `server_cert` and
  // `client_cert`, so only the issuer is wrong.
  std::string other_ca_server_cert{};
  std::string other_ca_server_key{};
  std::string other_ca_client_cert{};
  std::string other_ca_client_key{};
};

// Generates the certificates and keys into the existing directory `dir`. Internal on an OpenSSL
// failure, Unavailable if a file cannot be written.
absl::StatusOr<TestCerts> GenerateTestCerts(const std::string& dir);

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_TESTING_TEST_CERTS_H_
