#include "e2e/charon_store_server.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "testing/free_port.h"

namespace charon::e2e {

absl::StatusOr<std::unique_ptr<CharonStoreServer>> CharonStoreServer::Start(
    CharonStoreServerOptions options) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    CHARON_ASSIGN_OR_RETURN(int grpc_port, testing::PickFreePort());
    CHARON_ASSIGN_OR_RETURN(int http_port, testing::PickFreePort());
    if (grpc_port == http_port) continue;
    testing::ChildProcessOptions child;
    child.argv = {
        options.binary,
        "store",
        "--objstore.config=" + (options.objstore_config.empty()
                                    ? absl::StrCat("type: FILESYSTEM\nconfig:\n  directory: ",
                                                   options.bucket_dir, "\n")
                                    : options.objstore_config),
        "--data-dir=" + options.work_dir + "/data",
        absl::StrCat("--grpc-address=127.0.0.1:", grpc_port),
        absl::StrCat("--http-address=127.0.0.1:", http_port)};
    child.argv.insert(child.argv.end(), options.extra_flags.begin(), options.extra_flags.end());
    child.log_path = options.work_dir + "/charon.log";
    child.working_dir = options.work_dir;
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<testing::ChildProcess> process,
                            testing::ChildProcess::Start(std::move(child)));
    last = process->WaitForHttp(http_port, "/-/ready", absl::Seconds(60));
    if (last.ok()) {
      server::grpc::StoreClientOptions client_options;
      client_options.address = absl::StrCat("127.0.0.1:", grpc_port);
      CHARON_ASSIGN_OR_RETURN(std::unique_ptr<server::grpc::StoreClient> client,
                              server::grpc::StoreClient::Connect(client_options));
      return std::unique_ptr<CharonStoreServer>(
          new CharonStoreServer(std::move(process), std::move(client), grpc_port, http_port));
    }
    process->Stop();
    if (process->LogTail().find("in use") == std::string::npos) break;
  }
  return last;
}

}  // namespace charon::e2e
