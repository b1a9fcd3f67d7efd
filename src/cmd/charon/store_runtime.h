// The seam between the command (flags, logging, HTTP, signals) and the store engine.
//
// RunStore starts the HTTP server first, so probes and /metrics answer during the initial sync,
// then calls StoreRuntime::Start, then serves until SIGTERM/SIGINT and calls Shutdown. Start builds
// the bucket from --objstore.config, the meta fetcher with its filters, the bucket store and the
// gRPC server; the engine owns store_runtime.cc.
#ifndef CHARON_CMD_CHARON_STORE_RUNTIME_H_
#define CHARON_CMD_CHARON_STORE_RUNTIME_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "cache/matchers_cache.h"
#include "cmd/charon/store_flags.h"
#include "prometheus/registry.h"
#include "server/http/blocks_api.h"
#include "store/store_api.h"

namespace prometheus {
class Gauge;
}  // namespace prometheus
namespace charon::base {
class MemoryReleaser;
}  // namespace charon::base
namespace charon::block {
class MetaFetcher;
}  // namespace charon::block
namespace charon::objstore {
class Bucket;
}  // namespace charon::objstore
namespace charon::server::grpc {
class GrpcServer;
}  // namespace charon::server::grpc
namespace charon::store {
class BucketStore;
struct MetaView;
}  // namespace charon::store

namespace charon::cmd {

class ReadinessGatedStore;

// The running store engine, the composition root of `charon store`: meta fetcher and filters
// feeding a BucketStore, served over gRPC, re-synced every --sync-block-duration on a background
// thread. Ready and LoadedBlocks are called from HTTP worker threads at any time until Shutdown
// returns; both are thread-safe.
class StoreRuntime {
 public:
  // Starts the store from validated flags, registering its metrics in `registry` (which outlives
  // the runtime). Returns soon: the initial sync runs in the background, reported by Ready().
  // InvalidArgument for bad configuration (objstore YAML, relabel config, ...), Unimplemented for
  // a bucket type Charon cannot build yet, Unavailable when a listener cannot be bound.
  // `matchers_cache` (--matcher-cache-size; null = off) must outlive the runtime.
  static absl::StatusOr<std::unique_ptr<StoreRuntime>> Start(
      const StoreFlags& flags, prometheus::Registry& registry,
      cache::MatchersCache* matchers_cache = nullptr);

  StoreRuntime(std::shared_ptr<objstore::Bucket> bucket,
               std::unique_ptr<block::MetaFetcher> fetcher, absl::Duration sync_interval);
  StoreRuntime(const StoreRuntime&) = delete;
  StoreRuntime& operator=(const StoreRuntime&) = delete;
  ~StoreRuntime();

  // True once the initial block sync has finished with a complete listing of the bucket, while the
  // data dir is writable (drives /-/ready and gRPC health). Why not is in
  // charon_store_not_ready{reason} and logged when it changes.
  bool Ready() const;

  // The blocks after the last meta fetch, for /api/v1/blocks?view=loaded and the blocks page.
  server::http::BlocksSnapshot LoadedBlocks() const;

  // The store's query interface, for the remote-read endpoint; valid until the runtime is gone.
  store::StoreApi* Store();

  // Stops accepting gRPC calls, gives in-flight ones up to `grpc_grace_period`, stops the sync loop
  // and releases blocks. Idempotent.
  void Shutdown(absl::Duration grpc_grace_period);

 private:
  absl::Status Serve(const StoreFlags& flags, prometheus::Registry& registry,
                     cache::MatchersCache* matchers_cache);
  store::MetaView FetchMetas();
  void SyncLoop();
  // A data dir that turns read-only or full while running stops index-header builds; say so in
  // readiness instead of serving with blocks missing.
  void CheckDataDir();
  // Only the sync thread calls this.
  void UpdateReadiness();

  std::shared_ptr<objstore::Bucket> bucket_;
  std::unique_ptr<block::MetaFetcher> fetcher_;
  absl::Duration sync_interval_;
  std::unique_ptr<store::BucketStore> store_;
  std::unique_ptr<ReadinessGatedStore> gated_store_;
  std::string data_dir_;
  std::map<std::string, prometheus::Gauge*> not_ready_;  // by reason; fixed after Start
  std::atomic<bool> ready_{false};
  std::atomic<bool> listed_once_{false};          // a meta fetch listed the whole bucket
  std::string reported_reason_ = "initial_sync";  // sync thread only
  std::unique_ptr<server::grpc::GrpcServer> grpc_;
  std::thread sync_thread_;
  std::unique_ptr<base::MemoryReleaser> releaser_;
  absl::Notification stopped_;
  mutable absl::Mutex mu_;
  server::http::BlocksSnapshot snapshot_ ABSL_GUARDED_BY(mu_);
  std::string data_dir_error_ ABSL_GUARDED_BY(mu_);
  std::string last_list_error_ ABSL_GUARDED_BY(mu_);
};

// The store engine's log sink: one record in the process logger's format and level, with every
// key/value in order. `level` is "debug", "info", "warn" or "error" (anything else is info).
void LogStoreRecord(std::string_view level, std::string_view msg,
                    const std::vector<std::pair<std::string, std::string>>& kv);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_STORE_RUNTIME_H_
