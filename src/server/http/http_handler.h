// The request/response pair that every Charon HTTP handler works on, independent of the embedded
// web server. Handlers are plain functions from request to response, so they are unit-testable
// without a socket.
#ifndef CHARON_SERVER_HTTP_HTTP_HANDLER_H_
#define CHARON_SERVER_HTTP_HTTP_HANDLER_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace charon::server::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query string
  std::string query;   // raw query string, without '?'
  std::string body;    // at most kMaxRequestBody + 1 bytes (more means the body was too long)

  // Prometheus' remote-read decode limit; no Charon endpoint takes larger bodies.
  static constexpr size_t kMaxRequestBody = 32 << 20;

  // The decoded value of the first `name=` parameter of the query string, or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// Writes the next piece of a streamed body; false once the client is gone.
using BodyWriter = std::function<bool(std::string_view piece)>;

// How a streamed body ended. A status other than 200 before the first piece becomes the response
// (with `error` as its text body); after it, `error` is written into the stream, as Prometheus
// does, because the status line is gone.
struct StreamOutcome {
  int status = 200;
  std::string error;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is streamed instead (chunked transfer encoding): the status, content type
  // and headers above go out with the first piece written.
  std::function<StreamOutcome(const BodyWriter& write)> stream;

  static HttpResponse Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_HTTP_HANDLER_H_
