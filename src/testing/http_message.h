// The HTTP/1.1 framing the in-process test servers need (the HTTP test server answering the
// client under test, the fault proxy between a client and a real server): reading a message head
// and a Content-Length body from a connection's buffer, and writing a response. Just enough
// HTTP for tests; not a general parser (no obsolete line folding, no request trailers).
#ifndef CHARON_TESTING_HTTP_MESSAGE_H_
#define CHARON_TESTING_HTTP_MESSAGE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"

namespace charon::testing {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `lower_name` (of headers with lower-cased names), "" if
// absent.
std::string FindHeader(const HttpHeaders& headers, std::string_view lower_name);

// The start line and headers of an HTTP/1.1 message, as received.
struct HttpHead {
  std::string start_line{};
  HttpHeaders headers{};  // names lower-cased, values trimmed, in order

  // The value of the first header named `lower_name`, "" if absent.
  std::string Get(std::string_view lower_name) const { return FindHeader(headers, lower_name); }
  // A request line "METHOD TARGET VERSION": its method, and its target (path and query).
  std::string Method() const;
  std::string Target() const;
  // A status line "VERSION STATUS REASON": its status code, 0 if there is none.
  int Status() const;
};

// Parses the text of a head, without the blank line that ends it.
HttpHead ParseHttpHead(std::string_view text);

// Appends what arrives next on the connection to its buffer; false on end of stream, error or
// shutdown.
using ReadMore = absl::FunctionRef<bool()>;

// Takes the head of the next message off the front of `buf` (which `read_more` appends to),
// reading until its blank line has arrived; false if the input ends first.
bool ReadHttpHead(std::string& buf, ReadMore read_more, HttpHead* head);
// Takes the `length` bytes of a body off the front of `buf`, reading until they have arrived;
// false if the input ends first.
bool ReadHttpBody(std::string& buf, size_t length, ReadMore read_more, std::string* body);

// A response: the status line, `headers` as given (Content-Length included by the caller, so a
// test may announce a length other than the body's), a blank line and `body`.
std::string HttpResponseBytes(int status, std::string_view reason, const HttpHeaders& headers,
                              std::string_view body);

}  // namespace charon::testing

#endif  // CHARON_TESTING_HTTP_MESSAGE_H_
