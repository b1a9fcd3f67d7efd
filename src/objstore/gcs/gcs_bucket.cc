#include "objstore/gcs/gcs_bucket.h"

#include <cstdlib>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/percent_encoding.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/gcs/gcs_json.h"
#include "objstore/object_name.h"

namespace charon::objstore {
namespace gcs {
namespace {}  // namespace

absl::StatusOr<std::unique_ptr<GcsBucket>> GcsBucket::Open(GcsBucketOptions options) {
  if (options.bucket.empty()) return absl::InvalidArgumentError("gcs: empty bucket name");
  if (options.list_page_size < 1) {
    return absl::InvalidArgumentError("gcs: list page size must be positive");
  }
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  if (options.base_url.empty()) return absl::InvalidArgumentError("gcs: empty base URL");
  CHARON_ASSIGN_OR_RETURN(
      std::unique_ptr<http::HttpClient> client,
      http::HttpClient::Create(options.http_config, options.retry, options.hedging));
  return std::unique_ptr<GcsBucket>(new GcsBucket(std::move(options), std::move(client)));
}

absl::StatusOr<http::HttpResponse> GcsBucket::Send(
    const std::string& url, std::vector<std::pair<std::string, std::string>> headers) {
  http::HttpRequest request;
  request.url = url;
  request.timeout = options_.timeout;
  for (int attempt = 0;; ++attempt) {
    request.headers = headers;
    if (options_.tokens != nullptr) {
      CHARON_ASSIGN_OR_RETURN(std::string token, options_.tokens->Token());
      request.headers.emplace_back("Authorization", absl::StrCat("Bearer ", token));
    }
    CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, client_->Do(request));
    // A token revoked or expired early: one retry with a fresh one.
    if (response.status != 401 || options_.tokens == nullptr || attempt > 0) return response;
    options_.tokens->Invalidate();
  }
}

std::string GcsBucket::ObjectUrl(std::string_view name) const {
  return absl::StrCat(options_.base_url, "/storage/v1/b/",
                      base::PercentEncode(options_.bucket, false), "/o/",
                      base::PercentEncode(name, /*keep_slash=*/false));
}

std::string GcsBucket::What(std::string_view action, std::string_view name) const {
  return absl::StrCat(base::Absl(action), " \"", base::Absl(name), "\" of bucket ",
                      options_.bucket);
}

absl::Status GcsBucket::Iter(std::string_view dir,
                             const std::function<absl::Status(std::string_view name)>& fn,
                             IterOptions options) {
  std::string prefix;
  CHARON_RETURN_IF_ERROR(NormalizeDir(dir, &prefix));
  const std::string base = absl::StrCat(options_.base_url, "/storage/v1/b/",
                                        base::PercentEncode(options_.bucket, false), "/o?");
  std::string page_token;
  do {
    std::string url = base;
    if (!options.recursive) absl::StrAppend(&url, "delimiter=%2F&");
    // Only the names: smaller answers on buckets with many objects.
    absl::StrAppend(&url, "fields=items%2Fname%2Cprefixes%2CnextPageToken&maxResults=",
                    options_.list_page_size);
    if (!page_token.empty()) {
      absl::StrAppend(&url, "&pageToken=", base::PercentEncode(page_token, false));
    }
    if (!prefix.empty()) absl::StrAppend(&url, "&prefix=", base::PercentEncode(prefix, false));
    CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Send(url, {}));
    if (!http::Is2xx(response.status)) {
      return http::StatusFromHttp(response, What("list objects under", prefix));
    }
    CHARON_ASSIGN_OR_RETURN(ObjectListPage page, ParseObjectListPage(response.body));
    for (const std::string& name : page.names) {
      // Folder placeholder objects ("dir/") are not entries: not the listed directory itself,
      // and never in a recursive listing.
      if (name.size() <= prefix.size() || (options.recursive && name.back() == '/')) continue;
      CHARON_RETURN_IF_ERROR(fn(name));
    }
    page_token = std::move(page.next_page_token);
  } while (!page_token.empty());
  return absl::OkStatus();
}

absl::StatusOr<std::string> GcsBucket::Read(std::string_view name, int64_t offset, int64_t length) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  if (offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative offset ", offset, " reading ", What("object", name)));
  }
  if (length == 0) {
    // Nothing to read, but a missing object must still be NotFound.
    CHARON_RETURN_IF_ERROR(Attributes(name).status());
    return std::string();
  }
  const bool ranged = offset > 0 || length > 0;
  std::vector<std::pair<std::string, std::string>> headers;
  if (ranged) {
    headers.emplace_back("Range", http::RangeHeaderValue(offset, length));
  }
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response,
                          Send(absl::StrCat(ObjectUrl(name), "?alt=media"), std::move(headers)));
  return http::RangedGetBody(std::move(response), offset, length,
                             [&](const http::HttpResponse& error) {
                               return http::StatusFromHttp(error, What("read object", name));
                             });
}

absl::StatusOr<std::string> GcsBucket::Get(std::string_view name) { return Read(name, 0, -1); }

absl::StatusOr<std::string> GcsBucket::GetRange(std::string_view name, int64_t offset,
                                                int64_t length) {
  return Read(name, offset, length);
}

absl::StatusOr<http::HttpResponse> GcsBucket::Metadata(std::string_view name) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  return Send(absl::StrCat(ObjectUrl(name), "?fields=size%2Cupdated"), {});
}

absl::StatusOr<bool> GcsBucket::Exists(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Metadata(name));
  if (http::Is2xx(response.status)) return true;
  if (response.status == 404) return false;
  return http::StatusFromHttp(response, What("get metadata of object", name));
}

absl::StatusOr<ObjectAttributes> GcsBucket::Attributes(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Metadata(name));
  const std::string what = What("get metadata of object", name);
  if (!http::Is2xx(response.status)) return http::StatusFromHttp(response, what);
  absl::StatusOr<ObjectAttributes> attrs = ParseObjectMetadata(response.body);
  if (!attrs.ok()) return absl::DataLossError(absl::StrCat(what, ": ", attrs.status().message()));
  return attrs;
}

std::string GcsBucket::Name() const { return absl::StrCat("GCS:", options_.bucket); }

absl::StatusOr<std::unique_ptr<Bucket>> NewGcsBucket(const GcsConfig& config,
                                                     std::string_view emulator_host,
                                                     http::HedgingPolicy hedging) {
  GcsBucketOptions options;
  options.hedging = std::move(hedging);
  options.bucket = config.bucket;
  options.http_config = config.http_config;
  options.retry = RetryPolicyOf(config);
  if (!emulator_host.empty()) {
    options.base_url = EmulatorBaseUrl(emulator_host);
    if (!config.service_account.empty()) {
      base::LogWarn("STORAGE_EMULATOR_HOST is set: talking to the emulator without credentials",
                    {{"emulator", options.base_url}});
    }
  } else if (config.service_account.empty()) {
    return absl::UnimplementedError(
        "GCS config without service_account: application default credentials (metadata "
        "server, GOOGLE_APPLICATION_CREDENTIALS, gcloud) are not supported by Charon; put the "
        "service account key JSON in service_account");
  } else {
    ServiceAccountTokenSourceOptions token_options;
    CHARON_ASSIGN_OR_RETURN(token_options.key, ParseServiceAccountKey(config.service_account));
    token_options.http_config = config.http_config;
    token_options.retry = options.retry;
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<ServiceAccountTokenSource> tokens,
                            ServiceAccountTokenSource::Create(std::move(token_options)));
    options.tokens = std::move(tokens);
  }
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<GcsBucket> bucket, GcsBucket::Open(std::move(options)));
  return std::unique_ptr<Bucket>(std::move(bucket));
}

}  // namespace gcs

absl::StatusOr<std::unique_ptr<Bucket>> NewGcsBucketFromYaml(const config::YamlMap& config,
                                                             http::HedgingPolicy hedging) {
  CHARON_ASSIGN_OR_RETURN(gcs::GcsConfig parsed, gcs::ParseGcsConfig(config));
  const char* emulator = std::getenv("STORAGE_EMULATOR_HOST");
  absl::StatusOr<std::unique_ptr<Bucket>> bucket =
      gcs::NewGcsBucket(parsed, emulator == nullptr ? "" : emulator, std::move(hedging));
  if (bucket.status().code() == absl::StatusCode::kUnimplemented) {
    return absl::UnimplementedError(
        absl::StrCat(config.source(), ": ", config.path(), ": ", bucket.status().message()));
  }
  return bucket;
}

}  // namespace charon::objstore
