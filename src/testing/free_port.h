// PickFreePort: a TCP port on 127.0.0.1 that nothing listens on right now.
//
// The kernel picks the port (bind to port 0), the socket is closed, and the number returned;
// another process could take it before the caller binds, so callers that start a server on it
// should retry with a new port if the server fails to bind. Thread-safe.
#ifndef CHARON_TESTING_FREE_PORT_H_
#define CHARON_TESTING_FREE_PORT_H_

#include "absl/status/statusor.h"

namespace charon::testing {

// Unavailable if no socket can be bound.
absl::StatusOr<int> PickFreePort();

}  // namespace charon::testing

#endif  // CHARON_TESTING_FREE_PORT_H_
