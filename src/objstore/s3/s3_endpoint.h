// Where S3 requests go: the scheme, host and path of bucket- and object-level URLs for path-style
// and virtual-hosted-style addressing, AWS endpoint recognition and regional host names, chosen
// the way minio-go (the client Thanos uses) chooses them. Pure functions and an immutable value
// type; thread-safe.
#ifndef CHARON_OBJSTORE_S3_S3_ENDPOINT_H_
#define CHARON_OBJSTORE_S3_S3_ENDPOINT_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "objstore/s3/s3_config.h"

namespace charon::objstore::s3 {

// True for Amazon S3 endpoints: s3.amazonaws.com, s3.<region>.amazonaws.com,
// s3-<region>.amazonaws.com, dualstack and China (.amazonaws.com.cn) forms. `host` has no port.
bool IsAwsEndpoint(std::string_view host);

// The region an AWS endpoint names ("s3.eu-west-1.amazonaws.com", "s3-eu-west-1.amazonaws.com",
// "s3.dualstack.eu-west-1.amazonaws.com" -> "eu-west-1"); "" for the global endpoints
// (s3.amazonaws.com, s3-external-1.amazonaws.com), load balancers and other hosts.
std::string RegionFromAwsEndpoint(std::string_view host);

// The host minio-go talks to for an AWS endpoint once the region is known:
// s3[.dualstack].<region>.amazonaws.com[.cn]. FIPS and PrivateLink (vpce) endpoints are kept.
std::string AwsRegionalHost(std::string_view configured_host, std::string_view region,
                            bool dualstack);

// Whether requests name the bucket in the host (virtual-hosted style) or in the path.
// kAuto: virtual-hosted for AWS (and Google/Aliyun) endpoints, unless the bucket name has dots
// and the scheme is https (its certificate would not match); path style for everything else.
bool UseVirtualHost(BucketLookup lookup, std::string_view host, std::string_view bucket,
                    bool secure);

// Builds request URLs for one bucket. Query parameters are percent-encoded and sorted by key, as
// Signature V4 needs them (libcurl signs the query string as it is sent).
class S3Addressing {
 public:
  // `endpoint` is host[:port] as configured; InvalidArgument if it has a scheme, a path or is
  // empty.
  static absl::StatusOr<S3Addressing> Create(std::string_view endpoint, std::string_view bucket,
                                             bool secure, BucketLookup lookup);

  // The same addressing with the host replaced (AWS regional host), port kept.
  S3Addressing WithHost(std::string_view host) const;

  // "<scheme>://<host>/<bucket>/?<query>" or "<scheme>://<bucket>.<host>/?<query>".
  std::string BucketUrl(const std::map<std::string, std::string>& query) const;
  // "<scheme>://<host>/<bucket>/<key>" or "<scheme>://<bucket>.<host>/<key>", key encoded.
  std::string ObjectUrl(std::string_view key) const;

  const std::string& host() const { return host_; }  // without port
  const std::string& bucket() const { return bucket_; }
  bool virtual_host() const { return virtual_host_; }

 private:
  S3Addressing() = default;
  std::string Authority(bool with_bucket) const;

  std::string scheme_;
  std::string host_;
  std::string port_;  // "" = scheme default
  std::string bucket_;
  bool virtual_host_ = false;
};

// "k1=v1&k2=v2" with keys and values percent-encoded (RFC 3986) and sorted by encoded key; an
// empty value gives "k=".
std::string CanonicalQuery(const std::map<std::string, std::string>& query);

}  // namespace charon::objstore::s3

#endif  // CHARON_OBJSTORE_S3_S3_ENDPOINT_H_
