// The remote-bucket mode's object store: a real S3 server (s3rver) holding, for each block count N,
// a bucket "blocks-<N>" with N blocks made by copying the dataset's blocks round-robin, and a
// FaultProxy in front of it that delays every request as a remote store's round trip does.
//
// Each copy gets a fresh ULID, and its meta.json's `ulid` and `compaction.sources` are rewritten
// to it, so no copy is the duplicate of another (Thanos' de-duplication filter would drop it);
// the copies of one block hold the same series and chunks over the same time range, so a query
// returns the same answer at every block count. Not thread-safe; the servers stop (and their data
// is removed) when the object dies.
#ifndef CHARON_BENCH_REMOTE_BUCKETS_H_
#define CHARON_BENCH_REMOTE_BUCKETS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "testing/fault_proxy.h"
#include "testing/s3_server.h"

namespace charon::bench {

class RemoteBuckets {
 public:
  // Uploads the copies for every count in `block_counts` from `blocks_dir` (block directories as
  // promtool writes them). NotFound if s3rver is not installed; Unavailable when an upload fails.
  static absl::StatusOr<std::unique_ptr<RemoteBuckets>> Start(const std::string& blocks_dir,
                                                              const std::vector<int>& block_counts);

  // --objstore.config for the bucket of `blocks` blocks, through the proxy.
  std::string ObjstoreYaml(int blocks) const;
  testing::FaultProxy& proxy() { return *proxy_; }
  int64_t uploaded_bytes() const { return uploaded_bytes_; }

 private:
  RemoteBuckets() = default;

  std::unique_ptr<testing::S3Server> s3_;
  std::unique_ptr<testing::FaultProxy> proxy_;
  int64_t uploaded_bytes_ = 0;
};

}  // namespace charon::bench

#endif  // CHARON_BENCH_REMOTE_BUCKETS_H_
