// charon: the composition root. Parses the command line and runs the chosen command.
#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/logging.h"
#include "cmd/charon/query_command.h"
#include "cmd/charon/store_command.h"
#include "cmd/charon/store_flags.h"

#ifndef CHARON_VERSION
#define CHARON_VERSION "unknown"
#endif

namespace {

// Parses (running the callbacks of subcommands that have them) and returns the exit code, or -1
// to go on. Kingpin exits with 2 on a malformed command line; help and version exit 0; a subcommand
// callback reports its own exit code through CLI::RuntimeError.
int ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian builds Abseil with mutex deadlock detection on, which records every lock acquisition
  // in a global graph: measurable on the Series path. Charon's lock order is tested under the
  // sanitizers instead.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{"A Thanos-compatible store gateway.", "charon"};
  app.set_version_flag("--version", "charon, version " CHARON_VERSION);
  app.require_subcommand(1);

  charon::cmd::StoreFlags store_flags;
  CLI::App* store = app.add_subcommand(
      "store",
      "Store node giving access to blocks in a bucket provider (Thanos StoreAPI over gRPC).");
  charon::cmd::RegisterStoreFlags(store, &store_flags);
  charon::cmd::AddQueryCommand(app);

  if (int rc = ParseCommandLine(app, argc, argv); rc >= 0) return rc;

  if (store->parsed()) {
    absl::Status status = charon::cmd::ValidateStoreFlags(store_flags, absl::Now());
    if (status.ok()) status = charon::cmd::RunStore(store_flags);
    if (!status.ok()) {
      charon::base::LogError("running command failed", {{"err", status}});
      return 1;
    }
  }
  return 0;
}
