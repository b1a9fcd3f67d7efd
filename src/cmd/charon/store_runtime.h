// The seam between the command (flags, logging, HTTP, signals) and the store engine.
//
// RunStore starts the HTTP server first, so probes and /metrics answer during the initial sync,
// then calls StartStore, then serves until SIGTERM/SIGINT and calls Shutdown. StartStore builds the
// bucket from --objstore.config, the meta fetcher with its filters, the bucket store and the gRPC
// server; the engine owns store_runtime.cc.
#ifndef CHARON_CMD_CHARON_STORE_RUNTIME_H_
#define CHARON_CMD_CHARON_STORE_RUNTIME_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cmd/charon/store_flags.h"
#include "prometheus/registry.h"
#include "server/http/blocks_api.h"
#include "store/store_api.h"

namespace charon::cmd {

// The running store engine. Ready and LoadedBlocks are called from HTTP worker threads at any time
// until Shutdown returns, so they must be thread-safe.
class StoreRuntime {
 public:
  virtual ~StoreRuntime() = default;

  // True once the initial block sync has finished with a complete listing of the bucket, while the
  // data dir is writable (drives /-/ready and gRPC health). Why not is in
  // charon_store_not_ready{reason} and logged when it changes.
  virtual bool Ready() const = 0;

  // The blocks after the last meta fetch, for /api/v1/blocks?view=loaded and the blocks page.
  virtual http::BlocksSnapshot LoadedBlocks() const = 0;

  // The store's query interface, for the remote-read endpoint; valid until the runtime is gone.
  virtual store::StoreApi* Store() = 0;

  // Stops accepting gRPC calls, gives in-flight ones up to `grpc_grace_period`, stops the sync loop
  // and releases blocks. Called once.
  virtual void Shutdown(absl::Duration grpc_grace_period) = 0;
};

// The store engine's log sink: one record in the process logger's format and level, with every
// key/value in order. `level` is "debug", "info", "warn" or "error" (anything else is info).
void LogStoreRecord(std::string_view level, std::string_view msg,
                    const std::vector<std::pair<std::string, std::string>>& kv);

// Starts the store from validated flags, registering its metrics in `registry` (which outlives the
// runtime). Should return soon: a long initial sync belongs in the background, reported by Ready().
// InvalidArgument for bad configuration (objstore YAML, relabel config, ...), Unimplemented for a
// bucket type Charon cannot build yet, Unavailable when a listener cannot be bound.
absl::StatusOr<std::unique_ptr<StoreRuntime>> StartStore(const StoreFlags& flags,
                                                         prometheus::Registry& registry);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_STORE_RUNTIME_H_
