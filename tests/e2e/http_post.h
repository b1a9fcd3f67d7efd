// HttpPost: one blocking HTTP POST over libcurl with given headers, returning status, the
// Content-Type and the body, for tests that speak binary protocols to servers they started.
// Thread-safe (one easy handle per call).
#ifndef CHARON_TESTS_E2E_HTTP_POST_H_
#define CHARON_TESTS_E2E_HTTP_POST_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::e2e {

struct PostResponse {
  long status = 0;
  std::string content_type;
  std::string content_encoding;
  std::string body;
};

// Unavailable if the request cannot be made; any HTTP status is a response.
absl::StatusOr<PostResponse> HttpPost(const std::string& url, const std::string& body,
                                      const std::vector<std::string>& headers,
                                      absl::Duration timeout = absl::Seconds(60));

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_HTTP_POST_H_
