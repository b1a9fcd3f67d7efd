// `charon store`: the store gateway process around the engine (see store_runtime.h).
#ifndef CHARON_CMD_CHARON_STORE_COMMAND_H_
#define CHARON_CMD_CHARON_STORE_COMMAND_H_

#include "absl/status/status.h"
#include "cmd/charon/store_flags.h"

namespace charon::cmd {

// Sets up logging (and says once which given flags are not implemented yet), the metrics registry
// and the HTTP server, starts the store engine, and serves until SIGTERM or SIGINT; then readiness
// drops, the gRPC and HTTP servers stop in parallel within their grace periods, and RunStore
// returns OK. A second signal during shutdown exits the process at once with status 1.
//
// `flags` must have passed ValidateStoreFlags. Call from the main thread before any other thread
// exists: SIGTERM and SIGINT are blocked here so that every later thread inherits the mask and one
// dedicated thread receives them. Returns the error that stopped start-up (HTTP address in use,
// bad objstore configuration, ...).
[[nodiscard]] absl::Status RunStore(const StoreFlags& flags);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_STORE_COMMAND_H_
