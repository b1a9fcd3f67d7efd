// NO_PROXY matching by libcurl's rules (7.86 and later), for the requests where the HTTP client
// decides about the proxy itself: with `tls_config.server_name` the URL handed to libcurl names the
// server name, while the decision, as in Go, belongs to the request URL's real host.
// Pure function; thread-safe.
#ifndef CHARON_OBJSTORE_HTTP_NO_PROXY_H_
#define CHARON_OBJSTORE_HTTP_NO_PROXY_H_

#include <string_view>

namespace charon::objstore::http {

// Whether `no_proxy` exempts `host` from proxying. `host` is a name, an IPv4 address or an IPv6
// address in brackets, as in a URL. `no_proxy` is "*" (everything), or entries separated by commas
// and blanks: a name matches itself and its subdomains, case-insensitively, with leading and
// trailing dots ignored; an IP address matches itself, and "<address>/<bits>" matches the range.
bool NoProxyExempts(std::string_view no_proxy, std::string_view host);

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_NO_PROXY_H_
