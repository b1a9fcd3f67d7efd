// S3Server: the npm-installed S3 emulator (s3rver) as a child process on a free 127.0.0.1 port,
// with its data in a temporary directory, for end-to-end tests of the S3 bucket. Buckets and
// objects are created through its S3 API (anonymous PUTs sent by the curl command-line tool).
//
// s3rver 3.7.1 deviates from S3 in listings (entries below nested common prefixes go missing,
// order is not byte order) and ranges ("bytes=0-0", ranges of empty objects); the server is
// started with a small preload script that replaces those two store methods with S3's behaviour
// (see s3_server.cc). Listings with a delimiter are then never paginated by the emulator.
//
// s3rver accepts any well-formed Signature V4 request made with its built-in key pair
// (kAccessKey / kSecretKey) and anonymous requests; it does not verify signatures. With
// `service_endpoint` set, it also serves virtual-hosted-style requests for hosts of the form
// <bucket>.s3.<service_endpoint>.
//
// Not thread-safe: one owner. The server stops (and its data is removed) on destruction.
#ifndef CHARON_TESTING_S3_SERVER_H_
#define CHARON_TESTING_S3_SERVER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::testing {

struct S3ServerOptions {
  // s3rver's --service-endpoint (e.g. "localhost"); "" keeps its default ("amazonaws.com").
  std::string service_endpoint;
};

class S3Server {
 public:
  static constexpr char kAccessKey[] = "S3RVER";
  static constexpr char kSecretKey[] = "S3RVER";

  // NotFound if s3rver is not installed (see testing/node_tools.h); Unavailable if it does not
  // start or answer within 30 s (the message has the tail of its log).
  static absl::StatusOr<std::unique_ptr<S3Server>> Start(S3ServerOptions options = {});

  int port() const { return port_; }
  std::string endpoint() const;  // "127.0.0.1:<port>", the form the objstore YAML takes

  // PUT /<bucket>. Unavailable if curl fails or the server refuses.
  absl::Status CreateBucket(std::string_view bucket);
  // PUT of every object (in one curl run). Unavailable as CreateBucket.
  absl::Status PutObjects(std::string_view bucket,
                          const std::map<std::string, std::string>& objects);

 private:
  S3Server(TempDir dir, std::unique_ptr<ChildProcess> process, int port)
      : dir_(std::move(dir)), process_(std::move(process)), port_(port) {}
  absl::Status Curl(std::vector<std::string> args);

  TempDir dir_;  // data/ for s3rver, uploads/ for object bodies, s3rver.log
  std::unique_ptr<ChildProcess> process_;
  int port_;
  int uploads_ = 0;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_S3_SERVER_H_
