// CharonStoreServer: the `charon store` binary serving a filesystem bucket, started as a child
// process, with a StoreAPI client connected to its gRPC port.
//
// Start returns once /-/ready on the HTTP port answers 200, i.e. after the initial block sync, and
// retries with new ports if a chosen port was taken meanwhile. Not thread-safe, except client(),
// which is; the server is stopped when the object dies.
#ifndef CHARON_TESTS_E2E_CHARON_STORE_SERVER_H_
#define CHARON_TESTS_E2E_CHARON_STORE_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/grpc/store_client.h"
#include "testing/child_process.h"

namespace charon::e2e {

struct CharonStoreServerOptions {
  std::string binary;           // the charon executable
  std::string bucket_dir;       // FILESYSTEM bucket root, holding <ULID>/ block directories
  std::string objstore_config;  // objstore YAML; when set, used instead of bucket_dir
  std::string work_dir;         // data dir and log go here
  std::vector<std::string> extra_flags;
};

class CharonStoreServer {
 public:
  // Unavailable or DeadlineExceeded (with the log's tail) if the store does not become ready.
  static absl::StatusOr<std::unique_ptr<CharonStoreServer>> Start(CharonStoreServerOptions options);

  server::grpc::StoreClient& client() { return *client_; }
  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  testing::ChildProcess& process() { return *process_; }

 private:
  CharonStoreServer(std::unique_ptr<testing::ChildProcess> process,
                    std::unique_ptr<server::grpc::StoreClient> client, int grpc_port, int http_port)
      : process_(std::move(process)),
        client_(std::move(client)),
        grpc_port_(grpc_port),
        http_port_(http_port) {}

  std::unique_ptr<testing::ChildProcess> process_;
  std::unique_ptr<server::grpc::StoreClient> client_;
  int grpc_port_;
  int http_port_;
};

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_CHARON_STORE_SERVER_H_
