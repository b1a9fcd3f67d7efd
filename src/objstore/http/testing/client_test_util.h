// Small helpers shared by the HTTP client's tests (plain and TLS).
#ifndef CHARON_OBJSTORE_HTTP_TESTING_CLIENT_TEST_UTIL_H_
#define CHARON_OBJSTORE_HTTP_TESTING_CLIENT_TEST_UTIL_H_

#include <string>

#include "absl/time/time.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::http {

// Up to `attempts` attempts with millisecond backoffs, so retry tests stay fast.
inline RetryPolicy FastRetries(int attempts) {
  RetryPolicy p;
  p.max_attempts = attempts;
  p.initial_backoff = absl::Milliseconds(1);
  p.max_backoff = absl::Milliseconds(5);
  return p;
}

// A GET of `url`.
inline HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_TESTING_CLIENT_TEST_UTIL_H_
