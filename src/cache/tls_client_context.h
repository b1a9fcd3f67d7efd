// TlsClientContext: the client side of TLS as Thanos' Go clients set it up from a `tls_config`
// (config::TlsConfig): TLS 1.2 or later; the server's chain verified against `ca_file` (only it,
// unless `trust_root_ca`) or else the system's roots, and its certificate's name against
// `server_name` or else the dialed host (an IP address against the certificate's IP SANs; a DNS
// name is also sent as SNI); `insecure_skip_verify` skips both checks; `cert_file`/`key_file`
// are presented when the server asks for a client certificate (mutual TLS).
//
// Thread-safety: immutable once created; one context serves every connection of a client.
#ifndef CHARON_CACHE_TLS_CLIENT_CONTEXT_H_
#define CHARON_CACHE_TLS_CLIENT_CONTEXT_H_

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "config/tls_config.h"

namespace charon::cache {

// An OpenSSL connection object; owns the BIOs attached to it.
struct SslDeleter {
  void operator()(SSL* ssl) const;
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

class TlsClientContext {
 public:
  // Loads the files. InvalidArgument "<what>.<key>: ..." naming the file and OpenSSL's reason
  // when one cannot be read or parsed, or the key is not the certificate's.
  static absl::StatusOr<std::unique_ptr<TlsClientContext>> Create(const config::TlsConfig& tls,
                                                                  std::string_view what);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // A client connection object for a server dialed as `host`, with SNI and the name check set;
  // the caller attaches its BIOs and runs the handshake. Internal if OpenSSL cannot allocate.
  absl::StatusOr<SslPtr> NewSession(const std::string& host) const;

 private:
  TlsClientContext(SSL_CTX* ctx, config::TlsConfig tls) : ctx_(ctx), tls_(std::move(tls)) {}
  SSL_CTX* const ctx_;
  const config::TlsConfig tls_;
};

// OpenSSL's queued error texts joined with "; " (the queue is cleared), or `fallback` if none.
std::string OpenSslErrors(std::string_view fallback);

}  // namespace charon::cache

#endif  // CHARON_CACHE_TLS_CLIENT_CONTEXT_H_
