#include "objstore/azure/azure_bucket.h"

#include <limits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/logging.h"
#include "base/percent_encoding.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/azure/azure_config.h"
#include "objstore/azure/blob_listing.h"
#include "objstore/object_name.h"

namespace charon::objstore {
namespace azure {
namespace {}  // namespace

absl::StatusOr<std::unique_ptr<AzureBucket>> AzureBucket::Open(AzureBucketOptions options) {
  if (options.container.empty()) return absl::InvalidArgumentError("azure: empty container name");
  if (options.container_url.empty())
    return absl::InvalidArgumentError("azure: empty container URL");
  if (options.list_page_size <= 0) {
    return absl::InvalidArgumentError("azure: list page size must be positive");
  }
  while (options.container_url.back() == '/') options.container_url.pop_back();
  CHARON_ASSIGN_OR_RETURN(SharedKeyCredential credential,
                          SharedKeyCredential::Create(options.account, options.account_key));
  CHARON_ASSIGN_OR_RETURN(
      std::unique_ptr<http::HttpClient> client,
      http::HttpClient::Create(options.http_config, options.retry, options.hedging));
  return std::unique_ptr<AzureBucket>(
      new AzureBucket(std::move(options), std::move(credential), std::move(client)));
}

absl::StatusOr<http::HttpResponse> AzureBucket::Send(std::string method, std::string url,
                                                     HeaderList headers) {
  http::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.headers.emplace_back("x-ms-version", options_.api_version);
  request.timeout = options_.timeout;
  credential_.Sign(request, absl::Now());
  return client_->Do(request);
}

std::string AzureBucket::BlobUrl(std::string_view name) const {
  return absl::StrCat(options_.container_url, "/", base::PercentEncode(name, /*keep_slash=*/true));
}

absl::Status AzureBucket::Iter(std::string_view dir,
                               const std::function<absl::Status(std::string_view name)>& fn,
                               IterOptions options) {
  std::string prefix;
  CHARON_RETURN_IF_ERROR(NormalizeDir(dir, &prefix));
  std::string marker;
  do {
    std::string url = absl::StrCat(options_.container_url, "?restype=container&comp=list");
    if (!prefix.empty()) absl::StrAppend(&url, "&prefix=", base::PercentEncode(prefix, false));
    if (!options.recursive) absl::StrAppend(&url, "&delimiter=%2F");
    absl::StrAppend(&url, "&maxresults=", options_.list_page_size);
    if (!marker.empty()) absl::StrAppend(&url, "&marker=", base::PercentEncode(marker, false));
    CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Send("GET", std::move(url)));
    if (!http::Is2xx(response.status)) {
      return http::StatusFromHttp(response, absl::StrCat("list blobs under \"", prefix,
                                                         "\" in container ", options_.container));
    }
    CHARON_ASSIGN_OR_RETURN(BlobListPage page, ParseBlobListPage(response.body));
    for (const std::string& name : page.names) {
      // A blob named exactly like the directory, or (recursive) a directory marker of a
      // hierarchical-namespace account, is not an entry of the listing.
      if (name.size() <= prefix.size() || (options.recursive && name.back() == '/')) continue;
      CHARON_RETURN_IF_ERROR(fn(name));
    }
    marker = std::move(page.next_marker);
  } while (!marker.empty());
  return absl::OkStatus();
}

absl::StatusOr<std::string> AzureBucket::Read(std::string_view name, int64_t offset,
                                              int64_t length) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  if (offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative offset ", offset, " reading blob \"", base::Absl(name), "\""));
  }
  if (length == 0) {
    // Nothing to read, but a missing blob must still be NotFound.
    CHARON_RETURN_IF_ERROR(Attributes(name).status());
    return std::string();
  }
  const bool ranged = offset > 0 || length > 0;
  HeaderList headers;
  if (ranged) {
    headers.emplace_back("x-ms-range", http::RangeHeaderValue(offset, length));
  }
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response,
                          Send("GET", BlobUrl(name), std::move(headers)));
  return http::RangedGetBody(
      std::move(response), offset, length, [&](const http::HttpResponse& error) {
        return http::StatusFromHttp(error, absl::StrCat("get blob \"", base::Absl(name),
                                                        "\" of container ", options_.container));
      });
}

absl::StatusOr<std::string> AzureBucket::Get(std::string_view name) { return Read(name, 0, -1); }

absl::StatusOr<std::string> AzureBucket::GetRange(std::string_view name, int64_t offset,
                                                  int64_t length) {
  return Read(name, offset, length);
}

absl::StatusOr<bool> AzureBucket::Exists(std::string_view name) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Send("HEAD", BlobUrl(name)));
  if (http::Is2xx(response.status)) return true;
  if (response.status == 404 && response.Header("x-ms-error-code") != "ContainerNotFound") {
    return false;
  }
  return http::StatusFromHttp(response, absl::StrCat("get properties of blob \"", base::Absl(name),
                                                     "\" of container ", options_.container));
}

absl::StatusOr<ObjectAttributes> AzureBucket::Attributes(std::string_view name) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Send("HEAD", BlobUrl(name)));
  const std::string what = absl::StrCat("get properties of blob \"", base::Absl(name),
                                        "\" of container ", options_.container);
  if (!http::Is2xx(response.status)) return http::StatusFromHttp(response, what);
  ObjectAttributes attrs;
  if (!absl::SimpleAtoi(response.Header("content-length"), &attrs.size) || attrs.size < 0) {
    return absl::DataLossError(
        absl::StrCat(what, ": bad Content-Length \"", response.Header("content-length"), "\""));
  }
  absl::StatusOr<absl::Time> modified = ParseHttpDate(response.Header("last-modified"));
  if (!modified.ok()) {
    return absl::DataLossError(absl::StrCat(what, ": ", modified.status().message()));
  }
  attrs.last_modified = *modified;
  return attrs;
}

std::string AzureBucket::Name() const {
  return absl::StrCat("AZURE:", options_.account, "/", options_.container);
}

}  // namespace azure

absl::StatusOr<std::unique_ptr<Bucket>> NewAzureBucketFromYaml(const config::YamlMap& config,
                                                               http::HedgingPolicy hedging) {
  CHARON_ASSIGN_OR_RETURN(azure::AzureConfig parsed, azure::ParseAzureConfig(config));
  CHARON_ASSIGN_OR_RETURN(azure::AzureTarget target, azure::ResolveTarget(parsed));
  if (!parsed.msi_resource.empty()) {
    base::LogWarn("the field msi_resource has been deprecated and should no longer be set",
                  {{"key", config.KeyPath("msi_resource")}});
  }
  azure::AzureBucketOptions options;
  options.container_url = std::move(target.container_url);
  options.container = std::move(target.container);
  options.account = std::move(target.account);
  options.account_key = std::move(target.account_key);
  options.http_config = parsed.http_config;
  options.retry = azure::RetryPolicyOf(parsed);
  options.hedging = std::move(hedging);
  if (parsed.try_timeout > absl::ZeroDuration()) {
    // The shared client has one deadline per call, not per try: allow every try its full time.
    options.timeout = parsed.try_timeout * options.retry.max_attempts;
  }
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<azure::AzureBucket> bucket,
                          azure::AzureBucket::Open(std::move(options)));
  return std::unique_ptr<Bucket>(std::move(bucket));
}

}  // namespace charon::objstore
