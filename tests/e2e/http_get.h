// HttpGet: one blocking HTTP GET over libcurl, for tests that query servers they started.
//
// Each call uses its own easy handle, so calls may run from any thread. UrlEncode escapes a query
// parameter or path segment (RFC 3986 unreserved characters stay as they are).
#ifndef CHARON_TESTS_E2E_HTTP_GET_H_
#define CHARON_TESTS_E2E_HTTP_GET_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::e2e {

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Unavailable if the request cannot be made (connection refused, timeout); any HTTP status is a
// response, not an error.
absl::StatusOr<HttpResponse> HttpGet(const std::string& url,
                                     absl::Duration timeout = absl::Seconds(60));

std::string UrlEncode(std::string_view s);

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_HTTP_GET_H_
