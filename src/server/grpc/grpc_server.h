// The store's gRPC server: thanos.Store (with the legacy Info), thanos.info.Info,
// grpc.health.v1.Health and server reflection, instrumented with go-grpc-middleware's metric
// names. Options follow `thanos store`'s gRPC flags and transport settings.
//
// Lifecycle: construct, Start() once, Shutdown() once (the destructor shuts down too). Start and
// Shutdown are not meant to race each other; everything else is served on gRPC's threads.
#ifndef CHARON_SERVER_GRPC_GRPC_SERVER_H_
#define CHARON_SERVER_GRPC_GRPC_SERVER_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "cache/matchers_cache.h"
#include "store/store_api.h"

namespace grpc {
class Server;
}
namespace prometheus {
class Registry;
}

namespace charon::server::grpc {

class HealthServiceImpl;
class InfoServiceImpl;
class ServerMetrics;
class StoreServiceImpl;

struct GrpcServerOptions {
  // --grpc-address. Port 0 picks a free port (see GrpcServer::port()).
  std::string address = "0.0.0.0:10901";
  // --grpc-server-tls-cert / -key: both empty = plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  // --grpc-server-tls-client-ca: when set, clients must present a certificate it signed.
  std::string tls_client_ca_file;
  // --grpc-server-tls-min-version, --grpc-server-tls-ciphers, --grpc-server-tls-curves; what the
  // gRPC library cannot enforce fails Start() (see tls_server_credentials.h).
  std::string tls_min_version = "1.3";
  std::vector<std::string> tls_cipher_suites;
  std::vector<std::string> tls_curves;
  // --grpc-server-max-connection-age: connections are closed after this long, so clients
  // reconnect (and re-handshake TLS). Zero or infinite = never.
  absl::Duration max_connection_age = absl::Minutes(60);
  // --grpc-grace-period: how long Shutdown() lets in-flight calls finish.
  absl::Duration grace_period = absl::Minutes(2);
  // Thanos sends and accepts messages up to math.MaxInt32 bytes.
  int max_receive_message_size = std::numeric_limits<int32_t>::max();
  int max_send_message_size = std::numeric_limits<int32_t>::max();
  // Clients pinging more often than this get a GOAWAY (Go's keepalive EnforcementPolicy.MinTime).
  absl::Duration keepalive_min_time = absl::Seconds(10);
  // --debug.advertise-compatibility-label: append {@thanos_compatibility_store_type="store"} to
  // the advertised label sets when there is at least one.
  bool advertise_compatibility_label = true;
  // Where the grpc_server_* and thanos_store_server_* metrics go; null = not instrumented. Must
  // outlive the server.
  prometheus::Registry* registry = nullptr;
  // --matcher-cache-size above 0: request matchers are compiled through it. Null = no matcher
  // cache. Must outlive the server.
  cache::MatchersCache* matchers_cache = nullptr;
  // How often health Watch streams re-read StoreApi::Ready().
  absl::Duration health_poll_interval = absl::Seconds(1);
  bool enable_reflection = true;
};

class GrpcServer {
 public:
  // `store` must outlive the server.
  GrpcServer(store::StoreApi& store, GrpcServerOptions options);
  ~GrpcServer();

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Binds and starts serving. InvalidArgument for unreadable or half-given TLS files or TLS
  // settings that cannot be enforced, FailedPrecondition for a second, different cipher list,
  // Unavailable when the address cannot be bound (in use, no permission, not an address),
  // FailedPrecondition when already started.
  [[nodiscard]] absl::Status Start();

  // The bound port; 0 before Start().
  int port() const { return port_; }

  // Health turns NOT_SERVING, new calls are refused, in-flight calls get up to `grace` to finish
  // and are cancelled after that. Returns when the server has stopped. Idempotent.
  void Shutdown(absl::Duration grace);
  void Shutdown() { Shutdown(options_.grace_period); }

 private:
  store::StoreApi& store_;
  const GrpcServerOptions options_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<StoreServiceImpl> store_service_;
  std::unique_ptr<InfoServiceImpl> info_service_;
  std::unique_ptr<HealthServiceImpl> health_service_;
  std::unique_ptr<::grpc::Server> server_;
  int port_ = 0;
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_GRPC_SERVER_H_
