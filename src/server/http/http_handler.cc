#include "server/http/http_handler.h"

#include "base/percent_encoding.h"

namespace charon::server::http {
std::optional<std::string> HttpRequest::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    // A malformed escape is kept literally: Go's url.ParseQuery would reject the whole query, but
    // a lenient reading serves users better here.
    if (base::PercentDecode(key, /*plus_as_space=*/true) == name) {
      return base::PercentDecode(value, /*plus_as_space=*/true);
    }
  }
  return std::nullopt;
}

}  // namespace charon::server::http
