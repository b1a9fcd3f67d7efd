// AzuriteServer: the Azure Blob Storage emulator (npm `azurite-blob`, see testing/node_tools.h) as
// a child process on a free 127.0.0.1 port, storing its data in a temporary directory, plus helpers
// that create containers and upload blobs through the Blob REST API with Shared Key requests
// signed for the emulator's well-known account.
//
// Tests that use it link charon_objstore_azure (the signer and the HTTP client). One instance per
// test binary is enough: each test can use its own container. The server is stopped, and its
// data removed, when the object dies. Thread-safe after Start (the helpers may run concurrently).
#ifndef CHARON_TESTING_AZURITE_SERVER_H_
#define CHARON_TESTING_AZURITE_SERVER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::objstore::http {
class HttpClient;
}  // namespace charon::objstore::http

namespace charon::testing {

class AzuriteServer {
 public:
  // The emulator's documented development account and key.
  static constexpr char kAccount[] = "devstoreaccount1";
  static constexpr char kAccountKey[] =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  // NotFound when azurite is not installed (the message names the install script); Unavailable
  // or DeadlineExceeded (with the server's log) when it does not come up.
  static absl::StatusOr<std::unique_ptr<AzuriteServer>> Start();

  ~AzuriteServer();

  int port() const { return port_; }
  // "http://127.0.0.1:<port>/devstoreaccount1", the account's path-style Blob service URL.
  std::string BlobEndpoint() const;
  // A connection string whose BlobEndpoint is this server.
  std::string ConnectionString() const;

  // Creates the container; OK if it already exists. Unavailable/others from the HTTP exchange.
  absl::Status CreateContainer(std::string_view container);
  // Uploads (or replaces) a block blob in one request.
  absl::Status PutBlob(std::string_view container, std::string_view name, std::string_view data);

 private:
  AzuriteServer(TempDir dir, std::unique_ptr<ChildProcess> process, int port,
                std::unique_ptr<objstore::http::HttpClient> client);
  absl::Status Put(std::string url, std::string body, bool blob, std::string_view what);

  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  int port_;
  std::unique_ptr<objstore::http::HttpClient> client_;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_AZURITE_SERVER_H_
