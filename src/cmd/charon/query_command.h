// `charon query`: a StoreAPI client on the command line, for poking at a running store (Charon's or
// Thanos'):
//
//   charon query series '{__name__="up",job=~"a.*"}' --min-time 2024-01-01T00:00:00Z --decode
//   charon query label-names --store host:10901
//   charon query label-values job --matcher 'up{env!=""}'
//   charon query info [--legacy-info]
//
// The subcommand callbacks report failure by throwing CLI::RuntimeError(exit code), so the caller
// handles them like parse errors: `catch (const CLI::ParseError& e) { return app.exit(e); }`.
#ifndef CHARON_CMD_CHARON_QUERY_COMMAND_H_
#define CHARON_CMD_CHARON_QUERY_COMMAND_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace CLI {
class App;
}

namespace charon::cmd {

// Registers `query` and its subcommands series, label-names, label-values and info on `app`.
void AddQueryCommand(CLI::App& app);

// A time flag: milliseconds since the epoch ("1700000000000", "-5"), RFC 3339
// ("2024-01-02T15:04:05Z", fractions and offsets allowed), or a duration relative to `now`
// ("-2h", "-30m", "1h30m").
absl::StatusOr<int64_t> ParseTimeMs(std::string_view s, absl::Time now);

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_QUERY_COMMAND_H_
