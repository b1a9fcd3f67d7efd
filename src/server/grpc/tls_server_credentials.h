// TLS server credentials for the gRPC port with Thanos' --grpc-server-tls-* settings applied.
//
// Debian's gRPC 1.51 has no public C++ setter for the TLS version, the cipher suites or the
// curves, so each is applied the one way that holds with the packaged library, and whatever cannot
// be enforced is refused (InvalidArgument or FailedPrecondition) rather than ignored:
//  - min version: the core credentials object gRPC exports (grpc_ssl_server_credentials) has
//    set_min_tls_version; the credentials are built through the C API and bound through a small
//    ServerCredentials of our own. gRPC speaks TLS 1.2 and 1.3 only, so "1.0" and "1.1" are
//    refused.
//  - cipher suites (TLS 1.2; as in Go, TLS 1.3 suites are not configurable): gRPC reads the
//    documented GRPC_SSL_CIPHER_SUITES setting once per process, when the first TLS handshaker is
//    made. The first credentials made in a process fix the list; a later, different list is
//    FailedPrecondition.
//  - curves: gRPC 1.51 fixes the key exchange group to P-256 (SSL_CTX_set_tmp_ecdh), so a list
//    without CurveP256 is refused; a list with it is served with P-256 only.
//
// Thread-safe.
#ifndef CHARON_SERVER_GRPC_TLS_SERVER_CREDENTIALS_H_
#define CHARON_SERVER_GRPC_TLS_SERVER_CREDENTIALS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace grpc {
class ServerCredentials;
}

namespace charon::server::grpc {

struct TlsServerSettings {
  std::string cert_pem;
  std::string key_pem;
  std::string client_ca_pem;               // empty: clients are not asked for a certificate
  std::string min_version = "1.3";         // "1.0" .. "1.3", as --grpc-server-tls-min-version
  std::vector<std::string> cipher_suites;  // Go names (TLS_ECDHE_RSA_WITH_...); empty: gRPC's
  std::vector<std::string> curves;         // Go names (CurveP256, X25519, ...); empty: gRPC's
};

struct TlsServerCredentials {
  std::shared_ptr<::grpc::ServerCredentials> credentials;
  // What the operator should know about how the settings were applied (logged at start).
  std::vector<std::string> notes;
};

// InvalidArgument for an unknown or unenforceable setting, FailedPrecondition for a cipher list
// that differs from the one this process already fixed.
absl::StatusOr<TlsServerCredentials> NewTlsServerCredentials(const TlsServerSettings& settings);

// The OpenSSL name of a TLS 1.2 suite given by its Go name; "" for TLS 1.3 suites (always on);
// InvalidArgument for names Go does not know.
absl::StatusOr<std::string> OpenSslCipherName(const std::string& go_name);

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_TLS_SERVER_CREDENTIALS_H_
