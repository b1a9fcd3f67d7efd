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

namespace charon::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query string
  std::string query;   // raw query string, without '?'

  // The decoded value of the first `name=` parameter of the query string, or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace charon::http

#endif  // CHARON_SERVER_HTTP_HTTP_HANDLER_H_
