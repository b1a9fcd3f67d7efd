#include "server/grpc/tls_server_credentials.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/server_credentials.h>

#include <cstdlib>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

// The core credentials class behind grpc_ssl_server_credentials_create_ex(). libgrpc 1.51 exports
// these two members (`nm -D libgrpc.so.29`), but their header is not installed; a gRPC without
// them fails to link rather than silently accepting TLS 1.2.
class grpc_ssl_server_credentials {
 public:
  void set_min_tls_version(grpc_tls_version min_tls_version);
  void set_max_tls_version(grpc_tls_version max_tls_version);
};

namespace charon::server::grpc {
namespace {

// Binds a core credentials object: the public C++ API wraps only credentials it built itself.
class CoreServerCredentials final : public ::grpc::ServerCredentials {
 public:
  // Takes ownership of `creds`.
  explicit CoreServerCredentials(grpc_server_credentials* creds) : creds_(creds) {}
  ~CoreServerCredentials() override { grpc_server_credentials_release(creds_); }

  // Charon installs no auth metadata processor; client certificates are checked by TLS itself.
  void SetAuthMetadataProcessor(
      const std::shared_ptr<::grpc::AuthMetadataProcessor>& /*processor*/) override {}

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override {
    return grpc_server_add_http2_port(server, addr.c_str(), creds_);
  }

  grpc_server_credentials* const creds_;
};

// Go's names (crypto/tls CipherSuites()) of the TLS 1.2 suites, as OpenSSL spells them.
const std::map<std::string, std::string>& Tls12Suites() {
  static const auto* suites = new std::map<std::string, std::string>{
      {"TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"},
      {"TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"},
      {"TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"},
      {"TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"},
      {"TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"},
      {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"},
      {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
      {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
      {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
  };
  return *suites;
}

bool IsTls13Suite(const std::string& go_name) {
  return go_name == "TLS_AES_128_GCM_SHA256" || go_name == "TLS_AES_256_GCM_SHA384" ||
         go_name == "TLS_CHACHA20_POLY1305_SHA256";
}

// The cipher list this process handed to gRPC, fixed by the first TLS credentials made.
struct CipherState {
  absl::Mutex mu;
  bool fixed ABSL_GUARDED_BY(mu) = false;
  std::string list ABSL_GUARDED_BY(mu);
};

CipherState& Ciphers() {
  static auto* state = new CipherState;
  return *state;
}

absl::Status FixCipherList(const std::string& list) {
  CipherState& state = Ciphers();
  absl::MutexLock lock(&state.mu);
  if (!state.fixed) {
    // Read by gRPC once, when it makes its first TLS handshaker (documented in gRPC's
    // doc/environment_variables.md).
    if (!list.empty()) setenv("GRPC_SSL_CIPHER_SUITES", list.c_str(), /*overwrite=*/1);
    state.fixed = true;
    state.list = list;
    return absl::OkStatus();
  }
  if (state.list == list) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("gRPC server: TLS cipher suites are fixed once per process by gRPC; already \"",
                   state.list.empty() ? "gRPC's defaults" : state.list, "\", cannot change to \"",
                   list.empty() ? "gRPC's defaults" : list, "\""));
}

}  // namespace

absl::StatusOr<std::string> OpenSslCipherName(const std::string& go_name) {
  if (IsTls13Suite(go_name)) return std::string();
  auto it = Tls12Suites().find(go_name);
  if (it != Tls12Suites().end()) return it->second;
  std::vector<std::string> known;
  for (const auto& [name, openssl] : Tls12Suites()) known.push_back(name);
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown TLS cipher suite \"", go_name, "\"; known: ", absl::StrJoin(known, ", "),
      ", TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256"));
}

absl::StatusOr<TlsServerCredentials> NewTlsServerCredentials(const TlsServerSettings& settings) {
  TlsServerCredentials out;
  grpc_tls_version min_version;
  if (settings.min_version == "1.3") {
    min_version = TLS1_3;
  } else if (settings.min_version == "1.2") {
    min_version = TLS1_2;
  } else if (settings.min_version == "1.0" || settings.min_version == "1.1") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc-server-tls-min-version=", settings.min_version,
        " cannot be enforced: the gRPC library serves TLS 1.2 and 1.3 only; use 1.2 or 1.3"));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--grpc-server-tls-min-version must be one of 1.0, 1.1, 1.2, 1.3; got \"",
                     settings.min_version, "\""));
  }

  std::vector<std::string> openssl_names;
  bool has_tls12_suite = false;
  for (const std::string& name : settings.cipher_suites) {
    absl::StatusOr<std::string> openssl = OpenSslCipherName(name);
    if (!openssl.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--grpc-server-tls-ciphers: ", openssl.status().message()));
    }
    if (!openssl->empty()) {
      openssl_names.push_back(*openssl);
      has_tls12_suite = true;
    }
  }
  if (!settings.cipher_suites.empty() && !has_tls12_suite) {
    // Go ignores TLS 1.3 suites in the list: a list of only those leaves TLS 1.2 with no suite.
    return absl::InvalidArgumentError(
        "--grpc-server-tls-ciphers names only TLS 1.3 suites, which are not configurable (as in "
        "Go); name at least one TLS 1.2 suite or drop the flag");
  }
  if (!settings.cipher_suites.empty() && min_version == TLS1_3) {
    out.notes.push_back(
        "--grpc-server-tls-ciphers applies to TLS 1.2 only and the minimum version is 1.3");
  }

  if (!settings.curves.empty()) {
    bool has_p256 = false;
    for (const std::string& c : settings.curves) {
      if (c != "CurveP256" && c != "CurveP384" && c != "CurveP521" && c != "X25519") {
        return absl::InvalidArgumentError(
            absl::StrCat("--grpc-server-tls-curves: unknown curve \"", c,
                         "\"; known: CurveP256, CurveP384, CurveP521, X25519"));
      }
      has_p256 |= c == "CurveP256";
    }
    if (!has_p256) {
      return absl::InvalidArgumentError(
          absl::StrCat("--grpc-server-tls-curves=", absl::StrJoin(settings.curves, ","),
                       " cannot be enforced: the gRPC library negotiates P-256 only; include "
                       "CurveP256"));
    }
    if (settings.curves.size() > 1) {
      out.notes.push_back(absl::StrCat("--grpc-server-tls-curves: of ",
                                       absl::StrJoin(settings.curves, ","),
                                       " only CurveP256 is offered by the gRPC library"));
    }
  }

  // Checked before the cipher list is fixed, so a rejected setting changes nothing.
  if (absl::Status s = FixCipherList(absl::StrJoin(openssl_names, ":")); !s.ok()) return s;

  // The C API wants the library initialized; CoreServerCredentials keeps it so afterwards.
  struct GrpcInit {
    GrpcInit() { grpc_init(); }
    ~GrpcInit() { grpc_shutdown(); }
  } grpc_init_guard;
  grpc_ssl_pem_key_cert_pair pair{settings.key_pem.c_str(), settings.cert_pem.c_str()};
  grpc_server_credentials* creds = grpc_ssl_server_credentials_create_ex(
      settings.client_ca_pem.empty() ? nullptr : settings.client_ca_pem.c_str(), &pair, 1,
      settings.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                     : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY,
      nullptr);
  if (creds == nullptr) {
    return absl::InvalidArgumentError("gRPC server: the TLS certificate and key were refused");
  }
  // grpc_ssl_server_credentials derives from grpc_server_credentials alone, so the pointer is
  // the same object.
  auto* ssl = reinterpret_cast<grpc_ssl_server_credentials*>(creds);
  ssl->set_min_tls_version(min_version);
  ssl->set_max_tls_version(TLS1_3);
  out.credentials = std::make_shared<CoreServerCredentials>(creds);
  return out;
}

}  // namespace charon::server::grpc
