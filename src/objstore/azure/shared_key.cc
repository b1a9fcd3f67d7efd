#include "objstore/azure/shared_key.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/percent_encoding.h"
#include "base/strings.h"
#include "objstore/http/crypto.h"

namespace charon::objstore::azure {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of the first header named `lower_name` (case-insensitive), or "".
std::string HeaderValue(const HeaderList& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (Lower(name) == lower_name) return value;
  }
  return "";
}

// Splits an absolute URL into its encoded path ("/" when empty) and raw query (without '?').
void SplitUrl(std::string_view url, std::string_view* path, std::string_view* query) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : url.find('/', scheme + 3);
  if (start == std::string_view::npos) start = url.size();
  std::string_view rest = url.substr(start);
  size_t q = rest.find('?');
  *path = rest.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  size_t hash = query->find('#');
  if (hash != std::string_view::npos) *query = query->substr(0, hash);
}

}  // namespace

absl::StatusOr<SharedKeyCredential> SharedKeyCredential::Create(
    std::string account, std::string_view account_key_base64) {
  if (account.empty()) return absl::InvalidArgumentError("shared key: empty account name");
  std::string key;
  if (account_key_base64.empty() || !absl::Base64Unescape(base::Absl(account_key_base64), &key) ||
      key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("shared key of account ", account, ": the account key is not valid base64"));
  }
  return SharedKeyCredential(std::move(account), std::move(key));
}

std::string SharedKeyCredential::StringToSign(std::string_view method, std::string_view url,
                                              const HeaderList& headers,
                                              size_t content_length) const {
  std::string out = absl::StrCat(base::Absl(method), "\n");
  std::string length = HeaderValue(headers, "content-length");
  if (length.empty() && content_length > 0) length = std::to_string(content_length);
  if (length == "0") length.clear();
  for (std::string_view name : {"content-encoding", "content-language"}) {
    absl::StrAppend(&out, HeaderValue(headers, name), "\n");
  }
  absl::StrAppend(&out, length, "\n");
  for (std::string_view name : {"content-md5", "content-type", "date", "if-modified-since",
                                "if-match", "if-none-match", "if-unmodified-since", "range"}) {
    absl::StrAppend(&out, HeaderValue(headers, name), "\n");
  }

  std::map<std::string, std::string> ms_headers;
  for (const auto& [name, value] : headers) {
    std::string lower = Lower(name);
    if (lower.starts_with("x-ms-")) {
      ms_headers[lower] = std::string(absl::StripAsciiWhitespace(value));
    }
  }
  for (const auto& [name, value] : ms_headers) absl::StrAppend(&out, name, ":", value, "\n");

  std::string_view path, query;
  SplitUrl(url, &path, &query);
  absl::StrAppend(&out, "/", account_, path.empty() ? "/" : base::Absl(path));
  // Parameters with the same name are listed once, their values sorted and comma-joined.
  std::map<std::string, std::vector<std::string>> params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = Lower(base::PercentDecode(pair.substr(0, eq), /*plus_as_space=*/false));
    std::string value = eq == std::string_view::npos
                            ? ""
                            : base::PercentDecode(pair.substr(eq + 1), /*plus_as_space=*/false);
    params[name].push_back(std::move(value));
  }
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    absl::StrAppend(&out, "\n", name, ":", absl::StrJoin(values, ","));
  }
  return out;
}

std::string SharedKeyCredential::Signature(std::string_view string_to_sign) const {
  return absl::Base64Escape(base::Absl(http::HmacSha256(key_, string_to_sign)));
}

void SharedKeyCredential::Sign(http::HttpRequest& request, absl::Time now) const {
  if (HeaderValue(request.headers, "x-ms-date").empty()) {
    request.headers.emplace_back("x-ms-date", HttpDate(now));
  }
  std::string to_sign =
      StringToSign(request.method, request.url, request.headers, request.body.size());
  request.headers.emplace_back("Authorization",
                               absl::StrCat("SharedKey ", account_, ":", Signature(to_sign)));
}

std::string HttpDate(absl::Time t) {
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseHttpDate(std::string_view s) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", base::Absl(s), absl::UTCTimeZone(), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat("bad HTTP date \"", base::Absl(s), "\": ", err));
  }
  return t;
}

}  // namespace charon::objstore::azure
