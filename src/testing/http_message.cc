#include "testing/http_message.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::testing {

std::string FindHeader(const HttpHeaders& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

std::string HttpHead::Method() const { return start_line.substr(0, start_line.find(' ')); }

std::string HttpHead::Target() const {
  const size_t sp1 = start_line.find(' ');
  if (sp1 == std::string::npos) return "";
  return start_line.substr(sp1 + 1, start_line.rfind(' ') - sp1 - 1);
}

int HttpHead::Status() const {
  const size_t sp1 = start_line.find(' ');
  if (sp1 == std::string::npos) return 0;
  int status = 0;
  std::string_view code = std::string_view(start_line).substr(sp1 + 1, 3);
  return absl::SimpleAtoi(base::Absl(code), &status) ? status : 0;
}

HttpHead ParseHttpHead(std::string_view text) {
  HttpHead head;
  size_t pos = text.find("\r\n");
  head.start_line = std::string(text.substr(0, pos));
  while (pos != std::string_view::npos && pos + 2 < text.size()) {
    pos += 2;
    const size_t next = text.find("\r\n", pos);
    std::string_view line =
        text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      head.headers.emplace_back(
          absl::AsciiStrToLower(base::Absl(line.substr(0, colon))),
          std::string(absl::StripAsciiWhitespace(base::Absl(line.substr(colon + 1)))));
    }
    pos = next;
  }
  return head;
}

bool ReadHttpHead(std::string& buf, ReadMore read_more, HttpHead* head) {
  size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more()) return false;
  }
  *head = ParseHttpHead(std::string_view(buf).substr(0, end));
  buf.erase(0, end + 4);
  return true;
}

bool ReadHttpBody(std::string& buf, size_t length, ReadMore read_more, std::string* body) {
  while (buf.size() < length) {
    if (!read_more()) return false;
  }
  *body = buf.substr(0, length);
  buf.erase(0, length);
  return true;
}

std::string HttpResponseBytes(int status, std::string_view reason, const HttpHeaders& headers,
                              std::string_view body) {
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", base::Absl(reason), "\r\n");
  for (const auto& [name, value] : headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
  absl::StrAppend(&out, "\r\n", base::Absl(body));
  return out;
}

}  // namespace charon::testing
