#include "cache/tls_client_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::cache {
namespace {

bool IsIpAddress(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

absl::Status FileError(std::string_view what, std::string_view key, const std::string& path) {
  return absl::InvalidArgumentError(absl::StrCat(base::Absl(what), ".", base::Absl(key), ": ", path,
                                                 ": ", OpenSslErrors("unusable")));
}

}  // namespace

void SslDeleter::operator()(SSL* ssl) const { SSL_free(ssl); }

std::string OpenSslErrors(std::string_view fallback) {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out.empty() ? std::string(fallback) : out;
}

absl::StatusOr<std::unique_ptr<TlsClientContext>> TlsClientContext::Create(
    const config::TlsConfig& tls, std::string_view what) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    return absl::InternalError(absl::StrCat(base::Absl(what), ": ", OpenSslErrors("SSL_CTX_new")));
  }
  // Owned from here, so that every error below frees it.
  std::unique_ptr<TlsClientContext> c(new TlsClientContext(ctx, tls));
  // Go's crypto/tls client default.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // The roots are loaded even with insecure_skip_verify: Go also fails on an unreadable ca_file.
  if (!tls.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.ca_file.c_str(), nullptr) != 1) {
      return FileError(what, "ca_file", tls.ca_file);
    }
  }
  if ((tls.ca_file.empty() || tls.trust_root_ca) && SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return absl::InternalError(
        absl::StrCat(base::Absl(what), ": system roots: ", OpenSslErrors("not loaded")));
  }
  if (!tls.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_file.c_str()) != 1) {
      return FileError(what, "cert_file", tls.cert_file);
    }
    // Also fails when the key is not the certificate's.
    if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return FileError(what, "key_file", tls.key_file);
    }
  }
  SSL_CTX_set_verify(ctx, tls.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  return c;
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

absl::StatusOr<SslPtr> TlsClientContext::NewSession(const std::string& host) const {
  SslPtr ssl(SSL_new(ctx_));
  if (ssl == nullptr) return absl::InternalError(OpenSslErrors("SSL_new failed"));
  const std::string& name = tls_.server_name.empty() ? host : tls_.server_name;
  const bool ip = IsIpAddress(name);
  // As Go: SNI carries a DNS name, never an IP address (RFC 6066).
  if (!ip && !name.empty() && SSL_set_tlsext_host_name(ssl.get(), name.c_str()) != 1) {
    return absl::InternalError(OpenSslErrors("SNI not set"));
  }
  if (!tls_.insecure_skip_verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    if (ok != 1) return absl::InternalError(OpenSslErrors("name check not set"));
  }
  return ssl;
}

}  // namespace charon::cache
