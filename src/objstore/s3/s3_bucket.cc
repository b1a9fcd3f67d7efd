#include "objstore/s3/s3_bucket.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "objstore/http/crypto.h"
#include "objstore/object_name.h"
#include "objstore/s3/s3_region.h"
#include "objstore/s3/s3_xml.h"

namespace charon::objstore {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// minio-go's default number of attempts.
constexpr int kDefaultMaxRetries = 10;

// SSE-C: every read of an object written with a customer key must present the key.
absl::StatusOr<Headers> SseCustomerHeaders(const s3::SseConfig& sse) {
  if (sse.type != "SSE-C") return Headers{};
  std::ifstream in(sse.encryption_key, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config.sse_config.encryption_key: cannot read key file ", sse.encryption_key));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string key = buf.str();
  if (key.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("config.sse_config.encryption_key: ", sse.encryption_key, " holds ",
                     key.size(), " bytes; an SSE-C key is exactly 32 bytes"));
  }
  return Headers{
      {"x-amz-server-side-encryption-customer-algorithm", "AES256"},
      {"x-amz-server-side-encryption-customer-key", http::Base64Encode(key)},
      {"x-amz-server-side-encryption-customer-key-MD5", http::Base64Encode(http::Md5(key))}};
}

// "object <name> in bucket <bucket>" or "bucket <bucket>".
std::string Where(std::string_view bucket, std::string_view object) {
  if (object.empty()) return absl::StrCat("bucket ", base::Absl(bucket));
  return absl::StrCat("object ", base::Absl(object), " in bucket ", base::Absl(bucket));
}

}  // namespace

absl::StatusOr<std::unique_ptr<S3Bucket>> S3Bucket::Open(S3BucketOptions options) {
  const s3::S3Config& c = options.config;
  if (c.bucket.empty()) return absl::InvalidArgumentError("s3 bucket: no bucket name");
  CHARON_ASSIGN_OR_RETURN(
      s3::S3Addressing addressing,
      s3::S3Addressing::Create(c.endpoint, c.bucket, !c.insecure, c.bucket_lookup_type));
  CHARON_ASSIGN_OR_RETURN(Headers sse_c, SseCustomerHeaders(c.sse_config));
  http::RetryPolicy retry;
  retry.max_attempts = c.max_retries > 0 ? c.max_retries : kDefaultMaxRetries;
  retry.initial_backoff = options.initial_backoff;
  retry.max_backoff = options.max_backoff;
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<http::HttpClient> client,
                          http::HttpClient::Create(c.http_config, retry, options.hedging));
  return std::unique_ptr<S3Bucket>(
      new S3Bucket(std::move(options), std::move(client), std::move(addressing), std::move(sse_c)));
}

std::string S3Bucket::Name() const { return absl::StrCat("S3:", options_.config.bucket); }

absl::StatusOr<S3Bucket::Target> S3Bucket::ResolveTarget() {
  absl::MutexLock lock(&mu_);
  if (target_.has_value()) return *target_;
  const std::string& host = addressing_.host();
  std::string region;
  if (options_.region.has_value()) {
    region = *options_.region;
  } else if (s3::IsAwsEndpoint(host)) {
    // The global endpoint names no region: ask where the bucket is, once. Held under the lock so
    // that concurrent first calls ask only once.
    CHARON_ASSIGN_OR_RETURN(
        s3::S3Addressing path_style,
        s3::S3Addressing::Create(options_.config.endpoint, options_.config.bucket,
                                 !options_.config.insecure, s3::BucketLookup::kPath));
    CHARON_ASSIGN_OR_RETURN(region,
                            s3::FetchBucketRegion(*client_, path_style, options_.credentials));
  } else {
    region = "us-east-1";
  }
  s3::S3Addressing addressing = addressing_;
  if (s3::IsAwsEndpoint(host)) {
    addressing =
        addressing_.WithHost(s3::AwsRegionalHost(host, region, !options_.config.disable_dualstack));
  }
  target_ = Target{std::move(addressing), std::move(region)};
  return *target_;
}

absl::StatusOr<http::HttpResponse> S3Bucket::Send(const Target& target, std::string method,
                                                  std::string url, Headers headers,
                                                  std::string_view op, std::string_view object) {
  http::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.headers = std::move(headers);
  const s3::Credentials& creds = options_.credentials;
  if (!creds.anonymous()) {
    request.sigv4 = http::AwsSigV4{.region = target.region,
                                   .service = "s3",
                                   .access_key = creds.access_key,
                                   .secret_key = creds.secret_key,
                                   .session_token = creds.session_token};
  }
  absl::StatusOr<http::HttpResponse> response = client_->Do(request);
  if (options_.config.trace_enable) {
    base::LogDebug("s3 request", {{"method", request.method},
                                  {"url", request.url.substr(0, request.url.find('?'))},
                                  {"status", response.ok() ? response->status : 0},
                                  {"err", response.status()}});
  }
  if (!response.ok()) {
    return absl::Status(
        response.status().code(),
        absl::StrCat("S3 ", base::Absl(op), " ", Where(options_.config.bucket, object), ": ",
                     response.status().message()));
  }
  return response;
}

absl::Status S3Bucket::ErrorFor(const http::HttpResponse& response, std::string_view op,
                                std::string_view object) const {
  const std::string& bucket = options_.config.bucket;
  const std::string what = absl::StrCat("S3 ", base::Absl(op), " ", Where(bucket, object));
  s3::S3ErrorDoc error = s3::ParseS3Error(response.body);
  std::string detail = error.code.empty() ? "" : absl::StrCat(" (", error.code, ")");
  if (!error.message.empty()) absl::StrAppend(&detail, ": ", error.message);
  if (error.code == "NoSuchBucket") {
    return absl::NotFoundError(
        absl::StrCat(what, ": bucket ", bucket, " does not exist (NoSuchBucket)"));
  }
  if (response.status == 404 || error.code == "NoSuchKey") {
    return absl::NotFoundError(absl::StrCat(what, ": not found", detail));
  }
  if (response.status == 401 || response.status == 403 || error.code == "AccessDenied") {
    return absl::PermissionDeniedError(absl::StrCat(what, ": access denied", detail));
  }
  std::string region = error.region.empty() ? response.Header("x-amz-bucket-region") : error.region;
  if (!region.empty() && (response.status == 301 || response.status == 400)) {
    return absl::FailedPreconditionError(absl::StrCat(what, ": the bucket is in region ", region,
                                                      "; set `region: ", region, "`", detail));
  }
  return http::StatusFromHttp(response, absl::StrCat(what, detail));
}

absl::Status S3Bucket::Iter(std::string_view dir,
                            const std::function<absl::Status(std::string_view)>& fn,
                            IterOptions options) {
  std::string prefix;
  CHARON_RETURN_IF_ERROR(NormalizeDir(dir, &prefix));
  CHARON_ASSIGN_OR_RETURN(Target target, ResolveTarget());
  const bool v1 = options_.config.list_objects_version == "v1";
  std::map<std::string, std::string> query;
  if (!v1) query["list-type"] = "2";
  query["prefix"] = prefix;
  query["encoding-type"] = "url";
  if (!options.recursive) query["delimiter"] = "/";
  if (options_.list_page_size > 0) query["max-keys"] = absl::StrCat(options_.list_page_size);

  std::string last;  // the last name passed to fn; S3 lists in byte order, pages in sequence
  for (;;) {
    CHARON_ASSIGN_OR_RETURN(
        http::HttpResponse response,
        Send(target, "GET", target.addressing.BucketUrl(query), {}, "list", prefix));
    if (response.status != 200) return ErrorFor(response, "list", prefix);
    absl::StatusOr<s3::ListPage> page = s3::ParseListBucketResult(response.body);
    if (!page.ok()) {
      return absl::UnavailableError(absl::StrCat("S3 list ", Where(options_.config.bucket, prefix),
                                                 ": ", page.status().message()));
    }
    std::vector<std::string> names;
    names.reserve(page->keys.size() + page->common_prefixes.size());
    for (std::string& key : page->keys) {
      // The directory itself, and "directory marker" objects, are not objects to report.
      if (key == prefix || key.empty() || key.back() == '/') continue;
      names.push_back(std::move(key));
    }
    for (std::string& p : page->common_prefixes) {
      if (p != prefix) names.push_back(std::move(p));
    }
    std::sort(names.begin(), names.end());
    std::string page_last = names.empty() ? "" : names.back();
    for (const std::string& name : names) {
      if (!last.empty() && name <= last) continue;  // never report an entry twice
      CHARON_RETURN_IF_ERROR(fn(name));
      last = name;
    }
    if (!page->truncated) return absl::OkStatus();
    if (v1) {
      std::string marker = page->next_marker.empty() ? page_last : page->next_marker;
      if (marker.empty() || (query.count("marker") && query["marker"] == marker)) {
        return absl::UnavailableError(
            absl::StrCat("S3 list ", Where(options_.config.bucket, prefix),
                         ": truncated ListObjects page without a way to continue"));
      }
      query["marker"] = marker;
    } else {
      if (page->next_continuation_token.empty()) {
        return absl::UnavailableError(
            absl::StrCat("S3 list ", Where(options_.config.bucket, prefix),
                         ": truncated ListObjectsV2 page without NextContinuationToken"));
      }
      query["continuation-token"] = page->next_continuation_token;
    }
  }
}

absl::StatusOr<http::HttpResponse> S3Bucket::Head(std::string_view name) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  CHARON_ASSIGN_OR_RETURN(Target target, ResolveTarget());
  return Send(target, "HEAD", target.addressing.ObjectUrl(name), sse_c_headers_, "stat", name);
}

absl::StatusOr<bool> S3Bucket::Exists(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Head(name));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return ErrorFor(response, "stat", name);
}

absl::StatusOr<ObjectAttributes> S3Bucket::Attributes(std::string_view name) {
  CHARON_ASSIGN_OR_RETURN(http::HttpResponse response, Head(name));
  if (response.status != 200) return ErrorFor(response, "stat", name);
  ObjectAttributes attrs;
  if (!absl::SimpleAtoi(response.Header("content-length"), &attrs.size)) {
    return absl::UnavailableError(absl::StrCat("S3 stat ", Where(options_.config.bucket, name),
                                               ": answer without a valid Content-Length"));
  }
  std::string err;
  // RFC 7231 IMF-fixdate, what S3 sends: "Wed, 21 Oct 2015 07:28:00 GMT".
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", response.Header("last-modified"),
                       absl::UTCTimeZone(), &attrs.last_modified, &err)) {
    return absl::UnavailableError(absl::StrCat("S3 stat ", Where(options_.config.bucket, name),
                                               ": bad Last-Modified \"",
                                               response.Header("last-modified"), "\""));
  }
  return attrs;
}

absl::StatusOr<std::string> S3Bucket::Read(std::string_view name, int64_t offset, int64_t length) {
  CHARON_RETURN_IF_ERROR(ValidateObjectName(name));
  if (offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("S3 get ", Where(options_.config.bucket, name), ": negative offset ", offset));
  }
  if (length == 0) {
    // Nothing to read, but a missing object is still NotFound.
    CHARON_RETURN_IF_ERROR(Attributes(name).status());
    return std::string();
  }
  CHARON_ASSIGN_OR_RETURN(Target target, ResolveTarget());
  Headers headers = sse_c_headers_;
  const bool ranged = offset > 0 || length > 0;
  if (ranged) {
    headers.emplace_back("Range", http::RangeHeaderValue(offset, length));
  }
  CHARON_ASSIGN_OR_RETURN(
      http::HttpResponse response,
      Send(target, "GET", target.addressing.ObjectUrl(name), std::move(headers), "get", name));
  if (response.status == 206) {
    // "Content-Range: bytes <first>-<last>/<size>": a server that answers another range than the
    // one asked for would hand back the wrong bytes.
    std::string content_range = response.Header("content-range");
    int64_t first = -1;
    if (absl::StartsWith(content_range, "bytes ") &&
        absl::SimpleAtoi(content_range.substr(6, content_range.find('-') - 6), &first) &&
        first != offset) {
      return absl::UnavailableError(absl::StrCat("S3 get ", Where(options_.config.bucket, name),
                                                 ": asked for bytes from ", offset,
                                                 ", got Content-Range ", content_range));
    }
    if (length > 0 && response.body.size() > static_cast<uint64_t>(length)) {
      response.body.resize(static_cast<size_t>(length));
    }
    return std::move(response.body);
  }
  if (response.status == 200) {
    if (!ranged) return std::move(response.body);
    // The server ignored the Range header and sent the whole object.
    return http::CutToRange(std::move(response.body), offset, length);
  }
  // The object exists but the range starts at or past its end (or it is empty).
  if (response.status == 416) return std::string();
  return ErrorFor(response, "get", name);
}

absl::StatusOr<std::string> S3Bucket::Get(std::string_view name) { return Read(name, 0, -1); }

absl::StatusOr<std::string> S3Bucket::GetRange(std::string_view name, int64_t offset,
                                               int64_t length) {
  return Read(name, offset, length);
}

absl::StatusOr<std::unique_ptr<Bucket>> NewS3BucketFromYaml(const config::YamlMap& config,
                                                            http::HedgingPolicy hedging) {
  S3BucketOptions options;
  options.hedging = std::move(hedging);
  CHARON_ASSIGN_OR_RETURN(options.config, s3::ParseS3Config(config));
  absl::StatusOr<s3::Credentials> creds = s3::ResolveCredentials(options.config, s3::ProcessEnv);
  if (!creds.ok()) {
    return config::ConfigError(config.source(),
                               absl::StrCat("S3 credentials: ", creds.status().message()));
  }
  options.credentials = *std::move(creds);
  options.region = s3::StaticRegion(options.config, s3::ProcessEnv);
  if (options.config.aws_sdk_auth) {
    base::LogWarn(
        "aws_sdk_auth: Charon reads AWS credentials from the environment and the shared "
        "credentials file only (no instance profile or web identity)",
        {{"bucket", options.config.bucket}, {"anonymous", options.credentials.anonymous()}});
  }
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<S3Bucket> bucket, S3Bucket::Open(std::move(options)));
  return std::unique_ptr<Bucket>(std::move(bucket));
}

}  // namespace charon::objstore
