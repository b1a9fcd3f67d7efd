// One attempt of an HTTP request on one libcurl easy handle: CurlTransfer sets every option from
// the client's settings and the request, performs the exchange and classifies its outcome. The
// retry loop, the handle pool and hedging are CurlHttpClient's (curl_http_client.cc).
//
// Not thread-safe: one transfer on one handle at a time; different handles may run concurrently.
#ifndef CHARON_OBJSTORE_HTTP_CURL_TRANSFER_H_
#define CHARON_OBJSTORE_HTTP_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <atomic>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::http {

// What the client decides once for all its transfers.
struct TransferSettings {
  HttpConfig config{};
  std::string server_name{};  // tls_config.server_name; "" = the URL's host
  std::string no_proxy{};     // CURLOPT_NOPROXY list (NO_PROXY plus the loopback hosts)
};

// The outcome of one attempt: a response (any status code), or a transport error and whether
// retrying it may help.
struct Attempt {
  absl::StatusOr<HttpResponse> result;
  bool retryable = false;
};

// Performs `request` on `curl` (which is reset first; its connections are kept) until `deadline`.
// When `cancel` is given and becomes true, the transfer is aborted with Cancelled (not
// retryable). Errors as HttpClient::Do describes for one attempt.
Attempt PerformTransfer(CURL* curl, const TransferSettings& settings, const HttpRequest& request,
                        absl::Time deadline, const std::atomic<bool>* cancel = nullptr);

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_CURL_TRANSFER_H_
