#include "testing/azurite_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/percent_encoding.h"
#include "base/strings.h"
#include "objstore/azure/shared_key.h"
#include "objstore/http/http_client.h"
#include "testing/free_port.h"
#include "testing/node_tools.h"

namespace charon::testing {

namespace http = ::charon::objstore::http;

AzuriteServer::AzuriteServer(TempDir dir, std::unique_ptr<ChildProcess> process, int port,
                             std::unique_ptr<http::HttpClient> client)
    : dir_(std::move(dir)), process_(std::move(process)), port_(port), client_(std::move(client)) {}

AzuriteServer::~AzuriteServer() {
  if (process_ != nullptr) process_->Stop();
}

absl::StatusOr<std::unique_ptr<AzuriteServer>> AzuriteServer::Start() {
  absl::StatusOr<std::string> binary = NodeToolPath("azurite-blob");
  if (!binary.ok()) return binary.status();
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<TempDir> dir = TempDir::Create("azurite");
    if (!dir.ok()) return dir.status();
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    ChildProcessOptions o;
    o.argv = {*binary,
              "--blobHost",
              "127.0.0.1",
              "--blobPort",
              std::to_string(*port),
              "-l",
              dir->Path("data"),
              "--silent",
              "--skipApiVersionCheck",
              "--loose"};
    o.log_path = dir->Path("azurite.log");
    o.stop_timeout = absl::Seconds(5);
    absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(std::move(o));
    if (!process.ok()) return process.status();
    last = (*process)->WaitForTcpPort(*port, absl::Seconds(60));
    if (!last.ok()) continue;  // most likely the port was taken meanwhile
    http::RetryPolicy retry;
    retry.max_attempts = 3;
    absl::StatusOr<std::unique_ptr<http::HttpClient>> client =
        http::HttpClient::Create(http::HttpConfig{}, retry);
    if (!client.ok()) return client.status();
    return std::unique_ptr<AzuriteServer>(
        new AzuriteServer(*std::move(dir), *std::move(process), *port, *std::move(client)));
  }
  return last;
}

std::string AzuriteServer::BlobEndpoint() const {
  return absl::StrCat("http://127.0.0.1:", port_, "/", kAccount);
}

std::string AzuriteServer::ConnectionString() const {
  return absl::StrCat("DefaultEndpointsProtocol=http;AccountName=", kAccount,
                      ";AccountKey=", kAccountKey, ";BlobEndpoint=", BlobEndpoint(), ";");
}

absl::Status AzuriteServer::Put(std::string url, std::string body, bool blob,
                                std::string_view what) {
  absl::StatusOr<objstore::azure::SharedKeyCredential> credential =
      objstore::azure::SharedKeyCredential::Create(kAccount, kAccountKey);
  if (!credential.ok()) return credential.status();
  http::HttpRequest request;
  request.method = "PUT";
  request.url = std::move(url);
  request.body = std::move(body);
  // Explicit, so that the transport adds no Content-Type of its own that the signature misses.
  request.headers = {{"Content-Type", "application/octet-stream"}, {"x-ms-version", "2020-10-02"}};
  if (blob) request.headers.emplace_back("x-ms-blob-type", "BlockBlob");
  credential->Sign(request, absl::Now());
  absl::StatusOr<http::HttpResponse> response = client_->Do(request);
  if (!response.ok()) return response.status();
  if (response->status == 201 || (!blob && response->status == 409)) return absl::OkStatus();
  return http::StatusFromHttp(*response, what);
}

absl::Status AzuriteServer::CreateContainer(std::string_view container) {
  return Put(absl::StrCat(BlobEndpoint(), "/", base::PercentEncode(container, false),
                          "?restype=container"),
             "", /*blob=*/false, absl::StrCat("create container ", base::Absl(container)));
}

absl::Status AzuriteServer::PutBlob(std::string_view container, std::string_view name,
                                    std::string_view data) {
  return Put(absl::StrCat(BlobEndpoint(), "/", base::PercentEncode(container, false), "/",
                          base::PercentEncode(name, /*keep_slash=*/true)),
             std::string(data), /*blob=*/true,
             absl::StrCat("put blob ", base::Absl(name), " in ", base::Absl(container)));
}

}  // namespace charon::testing
