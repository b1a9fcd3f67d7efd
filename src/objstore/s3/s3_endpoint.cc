#include "objstore/s3/s3_endpoint.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/percent_encoding.h"
#include "base/strings.h"
#include "objstore/http/http_client.h"

namespace charon::objstore::s3 {
namespace {

constexpr char kAws[] = ".amazonaws.com";
constexpr char kAwsChina[] = ".amazonaws.com.cn";

// A region label: lower-case letters, digits and '-', no dots.
bool IsRegionLabel(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// `host` without `prefix` and `suffix`, if it has both and something is left between them.
bool Between(std::string_view host, std::string_view prefix, std::string_view suffix,
             std::string_view* middle) {
  if (host.size() <= prefix.size() + suffix.size()) return false;
  if (!absl::StartsWith(base::Absl(host), base::Absl(prefix)) ||
      !absl::EndsWith(base::Absl(host), base::Absl(suffix))) {
    return false;
  }
  *middle = host.substr(prefix.size(), host.size() - prefix.size() - suffix.size());
  return true;
}

bool IsFipsOrPrivateLink(std::string_view host) {
  return absl::StartsWith(base::Absl(host), "s3-fips") ||
         absl::EndsWith(base::Absl(host), ".vpce.amazonaws.com");
}

}  // namespace

std::string RegionFromAwsEndpoint(std::string_view host) {
  if (host == "s3-us-gov-west-1.amazonaws.com" || host == "s3-fips-us-gov-west-1.amazonaws.com") {
    return "us-gov-west-1";
  }
  if (absl::StrContains(base::Absl(host), "elb") &&
      (absl::EndsWith(base::Absl(host), kAws) || absl::EndsWith(base::Absl(host), kAwsChina))) {
    return "";
  }
  std::string_view r;
  // Most specific forms first: "s3.dualstack.<r>" would otherwise read as region
  // "dualstack.<r>".
  for (std::string_view prefix : {"s3-fips.dualstack.", "s3.dualstack.", "s3-fips.", "s3."}) {
    for (std::string_view suffix : {std::string_view(kAwsChina), std::string_view(kAws)}) {
      if (Between(host, prefix, suffix, &r) && IsRegionLabel(r)) return std::string(r);
    }
  }
  if (Between(host, "s3-", kAws, &r) && IsRegionLabel(r) && r != "external-1") {
    return std::string(r);
  }
  // PrivateLink: bucket.vpce-<id>.s3.<r>.vpce.amazonaws.com
  if (absl::EndsWith(base::Absl(host), ".vpce.amazonaws.com")) {
    std::string_view rest =
        host.substr(0, host.size() - std::string_view(".vpce.amazonaws.com").size());
    size_t s3 = rest.rfind(".s3.");
    if (s3 != std::string_view::npos && IsRegionLabel(rest.substr(s3 + 4))) {
      return std::string(rest.substr(s3 + 4));
    }
  }
  return "";
}

bool IsAwsEndpoint(std::string_view host) {
  return host == "s3.amazonaws.com" || host == "s3-external-1.amazonaws.com" ||
         !RegionFromAwsEndpoint(host).empty();
}

std::string AwsRegionalHost(std::string_view configured_host, std::string_view region,
                            bool dualstack) {
  if (!IsAwsEndpoint(configured_host) || IsFipsOrPrivateLink(configured_host) || region.empty()) {
    return std::string(configured_host);
  }
  const bool china = absl::StartsWith(base::Absl(region), "cn-");
  return absl::StrCat("s3.", dualstack ? "dualstack." : "", base::Absl(region),
                      china ? kAwsChina : kAws);
}

bool UseVirtualHost(BucketLookup lookup, std::string_view host, std::string_view bucket,
                    bool secure) {
  switch (lookup) {
    case BucketLookup::kVirtualHosted:
      return true;
    case BucketLookup::kPath:
      return false;
    case BucketLookup::kAuto:
      break;
  }
  // A dotted bucket name in the host would not match the endpoint's wildcard certificate.
  if (secure && absl::StrContains(base::Absl(bucket), ".")) return false;
  return IsAwsEndpoint(host) || host == "storage.googleapis.com" ||
         absl::EndsWith(base::Absl(host), "aliyuncs.com");
}

std::string CanonicalQuery(const std::map<std::string, std::string>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [key, value] : query) {
    encoded.emplace_back(base::PercentEncode(key, false), base::PercentEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    absl::StrAppend(&out, key, "=", value);
  }
  return out;
}

absl::StatusOr<S3Addressing> S3Addressing::Create(std::string_view endpoint,
                                                  std::string_view bucket, bool secure,
                                                  BucketLookup lookup) {
  if (endpoint.empty()) return absl::InvalidArgumentError("no s3 endpoint in config file");
  if (absl::StrContains(base::Absl(endpoint), "://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "s3 endpoint \"", base::Absl(endpoint),
        "\" must be host[:port] without a scheme (set insecure: true for plain http)"));
  }
  if (absl::StrContains(base::Absl(endpoint), "/") ||
      absl::StrContains(base::Absl(endpoint), "?")) {
    return absl::InvalidArgumentError(absl::StrCat("s3 endpoint \"", base::Absl(endpoint),
                                                   "\" must be host[:port] without a path"));
  }
  S3Addressing a;
  a.scheme_ = secure ? "https" : "http";
  a.bucket_ = std::string(bucket);
  std::string_view host = endpoint;
  size_t colon = endpoint.rfind(':');
  const bool bracketed_ipv6 = !endpoint.empty() && endpoint.front() == '[';
  if (colon != std::string_view::npos && (!bracketed_ipv6 || endpoint.find(']') < colon)) {
    host = endpoint.substr(0, colon);
    a.port_ = std::string(endpoint.substr(colon + 1));
    if (a.port_.empty() ||
        !std::all_of(a.port_.begin(), a.port_.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return absl::InvalidArgumentError(
          absl::StrCat("s3 endpoint \"", base::Absl(endpoint), "\" has a bad port"));
    }
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("s3 endpoint \"", base::Absl(endpoint), "\" has no host"));
  }
  a.host_ = std::string(host);
  a.virtual_host_ = UseVirtualHost(lookup, a.host_, bucket, secure);
  return a;
}

S3Addressing S3Addressing::WithHost(std::string_view host) const {
  S3Addressing a = *this;
  a.host_ = std::string(host);
  return a;
}

std::string S3Addressing::Authority(bool with_bucket) const {
  std::string out = with_bucket ? absl::StrCat(bucket_, ".", host_) : host_;
  if (!port_.empty()) absl::StrAppend(&out, ":", port_);
  return out;
}

std::string S3Addressing::BucketUrl(const std::map<std::string, std::string>& query) const {
  std::string url = virtual_host_ ? absl::StrCat(scheme_, "://", Authority(true), "/")
                                  : absl::StrCat(scheme_, "://", Authority(false), "/",
                                                 base::PercentEncode(bucket_, false), "/");
  if (!query.empty()) absl::StrAppend(&url, "?", CanonicalQuery(query));
  return url;
}

std::string S3Addressing::ObjectUrl(std::string_view key) const {
  const std::string path = base::PercentEncode(key, true);
  return virtual_host_ ? absl::StrCat(scheme_, "://", Authority(true), "/", path)
                       : absl::StrCat(scheme_, "://", Authority(false), "/",
                                      base::PercentEncode(bucket_, false), "/", path);
}

}  // namespace charon::objstore::s3
