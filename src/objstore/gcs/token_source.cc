#include "objstore/gcs/token_source.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace charon::objstore::gcs {

absl::StatusOr<std::unique_ptr<ServiceAccountTokenSource>> ServiceAccountTokenSource::Create(
    ServiceAccountTokenSourceOptions options) {
  // Fails early on a key that cannot sign, rather than on the first request.
  CHARON_RETURN_IF_ERROR(SignRs256(options.key.private_key, "probe").status());
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<http::HttpClient> client,
                          http::HttpClient::Create(options.http_config, options.retry));
  return std::unique_ptr<ServiceAccountTokenSource>(
      new ServiceAccountTokenSource(std::move(options), std::move(client)));
}

absl::StatusOr<std::string> ServiceAccountTokenSource::Token() {
  absl::MutexLock lock(&mu_);
  if (token_.empty() || options_.now() >= refresh_at_) CHARON_RETURN_IF_ERROR(Fetch());
  return token_;
}

void ServiceAccountTokenSource::Invalidate() {
  absl::MutexLock lock(&mu_);
  token_.clear();
  refresh_at_ = absl::InfinitePast();
}

absl::Status ServiceAccountTokenSource::Fetch() {
  const ServiceAccountKey& key = options_.key;
  CHARON_ASSIGN_OR_RETURN(std::string assertion,
                          MakeJwtAssertion(key, options_.scope, options_.now()));
  http::HttpRequest request;
  request.method = "POST";
  request.url = key.token_uri;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  // The assertion is base64url and dots: nothing in it needs escaping.
  request.body = absl::StrCat("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer",
                              "&assertion=", assertion);
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, client_->Do(request));
  const std::string what =
      absl::StrCat("fetch an OAuth2 token for ", key.client_email, " from ", key.token_uri);
  if (response.status < 200 || response.status >= 300) {
    absl::Status s = http::StatusFromHttp(response, what);
    if (response.status >= 400 && response.status < 500 && response.status != 408 &&
        response.status != 429) {
      return absl::PermissionDeniedError(s.message());
    }
    return s;
  }
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  auto token = doc.is_object() ? doc.find("access_token") : doc.end();
  if (!doc.is_object() || token == doc.end() || !token->is_string() ||
      token->get<std::string>().empty()) {
    return absl::DataLossError(absl::StrCat(what, ": the answer has no access_token"));
  }
  int64_t expires_in = 3600;
  if (auto e = doc.find("expires_in"); e != doc.end() && e->is_number_integer()) {
    expires_in = std::max<int64_t>(e->get<int64_t>(), 0);
  }
  const absl::Duration lifetime = absl::Seconds(expires_in);
  token_ = token->get<std::string>();
  refresh_at_ = options_.now() + lifetime - std::min(options_.refresh_margin, lifetime / 2);
  return absl::OkStatus();
}

}  // namespace charon::objstore::gcs
