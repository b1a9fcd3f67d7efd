#include "e2e/http_post.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace charon::e2e {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Picks Content-Encoding out of the header lines (Content-Type comes from curl itself).
size_t ReadHeader(char* data, size_t size, size_t n, void* out) {
  absl::string_view line(data, size * n);
  constexpr absl::string_view kEncoding = "content-encoding:";
  if (line.size() > kEncoding.size() &&
      absl::EqualsIgnoreCase(line.substr(0, kEncoding.size()), kEncoding)) {
    *static_cast<std::string*>(out) =
        std::string(absl::StripAsciiWhitespace(line.substr(kEncoding.size())));
  }
  return size * n;
}

}  // namespace

absl::StatusOr<PostResponse> HttpPost(const std::string& url, const std::string& body,
                                      const std::vector<std::string>& headers,
                                      absl::Duration timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return absl::UnavailableError("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, SlistDeleter> owned(list);
  PostResponse resp;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &ReadHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &resp.content_encoding);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("POST ", url, ": ", error[0] != 0 ? error : curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &resp.status);
  char* ct = nullptr;
  curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_TYPE, &ct);
  if (ct != nullptr) resp.content_type = ct;
  return resp;
}

}  // namespace charon::e2e
