#include "cmd/charon/store_runtime.h"

#include <utility>

#include "base/logging.h"
#include "base/status_macros.h"
#include "objstore/bucket_config.h"

namespace charon::cmd {
namespace {

// Until the engine lands: the bucket is built (so configuration errors surface at start) but
// nothing is synced or served over gRPC, and the store never reports ready.
class BucketOnlyStoreRuntime final : public StoreRuntime {
 public:
  explicit BucketOnlyStoreRuntime(std::unique_ptr<objstore::Bucket> bucket)
      : bucket_(std::move(bucket)) {}

  bool Ready() const override { return false; }
  http::BlocksSnapshot LoadedBlocks() const override { return {}; }
  void Shutdown(absl::Duration) override { bucket_.reset(); }

 private:
  std::unique_ptr<objstore::Bucket> bucket_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<StoreRuntime>> StartStore(const StoreFlags& flags,
                                                         prometheus::Registry&) {
  CHARON_ASSIGN_OR_RETURN(std::string yaml, flags.objstore_config.Content());
  const std::string source = flags.objstore_config.path.empty()
                                 ? "--" + flags.objstore_config.flag_name()
                                 : flags.objstore_config.path;
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<objstore::Bucket> bucket,
                          objstore::NewBucketFromYaml(yaml, source));
  base::LogWarn("store engine not built in yet: serving probes and metrics only, never ready");
  return std::make_unique<BucketOnlyStoreRuntime>(std::move(bucket));
}

}  // namespace charon::cmd
