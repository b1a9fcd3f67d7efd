#include "cmd/charon/store_command.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "cache/matchers_cache.h"
#include "cmd/charon/build_version.h"
#include "cmd/charon/data_dir.h"
#include "cmd/charon/store_runtime.h"
#include "prometheus/registry.h"
#include "server/http/build_info.h"
#include "server/http/http_server.h"
#include "server/http/remote_read_handler.h"

namespace charon::cmd {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Receives SIGTERM/SIGINT on a thread of its own. The first one notifies `stop`; a second one means
// the operator will not wait for the grace periods.
void StartSignalThread(absl::Notification* stop, std::atomic<int>* received) {
  std::thread([stop, received] {
    const sigset_t set = TerminationSignals();
    for (int n = 0;; ++n) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (n == 0) {
        received->store(sig);
        stop->Notify();
        continue;
      }
      base::LogWarn("caught second signal during shutdown, exiting now",
                    {{"signal", strsignal(sig)}});
      std::_Exit(1);
    }
  }).detach();
}

void LogUnimplementedFlags(const StoreFlags& flags) {
  for (const std::string& name : UnimplementedFlagsInUse(flags)) {
    base::LogWarn("flag is accepted but not implemented yet; its value is ignored",
                  {{"flag", name}});
  }
}

}  // namespace

absl::Status RunStore(const StoreFlags& flags) {
  base::InitLogging(flags.LogOptions());
  LogUnimplementedFlags(flags);

  const sigset_t signals = TerminationSignals();
  if (int rc = pthread_sigmask(SIG_BLOCK, &signals, nullptr); rc != 0) {
    return absl::InternalError(
        absl::StrCat("cannot block termination signals: ", std::strerror(rc)));
  }
  absl::Notification stop;
  std::atomic<int> signal_received{0};
  StartSignalThread(&stop, &signal_received);

  // Before anything listens: a store that cannot keep index-headers would report ready and answer
  // with nothing, and a second store on the same directory would corrupt the first one's files.
  CHARON_RETURN_IF_ERROR(CheckDataDirWritable(flags.data_dir));
  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<DataDirLock> data_dir_lock,
                          DataDirLock::Acquire(flags.data_dir));

  prometheus::Registry registry;
  server::http::RegisterBuildInfo(CharonBuildInfo(), registry);
  // Set once the engine started; read by HTTP worker threads, which stop before the engine dies.
  std::atomic<StoreRuntime*> runtime_view{nullptr};

  server::http::HttpServerOptions http_options;
  http_options.address = flags.http_address;
  http_options.grace_period = flags.http_grace_period;
  http_options.disable_web = flags.web_disable;
  http_options.disable_cors = flags.web_disable_cors;
  http_options.bucket_web_label = flags.bucket_web_label;
  http_options.ready = [&runtime_view] {
    StoreRuntime* r = runtime_view.load();
    return r != nullptr && r->Ready();
  };
  http_options.loaded_blocks = [&runtime_view] {
    StoreRuntime* r = runtime_view.load();
    return r != nullptr ? r->LoadedBlocks() : server::http::BlocksSnapshot{};
  };
  server::http::RemoteReadOptions remote_read_options;
  remote_read_options.concurrent_limit = flags.remote_read_concurrent_limit;
  remote_read_options.sample_limit = flags.remote_read_sample_limit;
  remote_read_options.max_bytes_in_frame = flags.remote_read_max_bytes_in_frame;
  remote_read_options.without_replica_labels = flags.remote_read_replica_labels;
  // As Thanos: 0 = no matcher cache (and no thanos_matchers_cache_* metrics).
  std::unique_ptr<cache::MatchersCache> matchers_cache;
  if (flags.matcher_cache_size > 0) {
    matchers_cache = std::make_unique<cache::MatchersCache>(flags.matcher_cache_size, registry);
  }
  remote_read_options.matchers_cache = matchers_cache.get();
  server::http::RemoteReadHandler remote_read(std::move(remote_read_options), [&runtime_view] {
    StoreRuntime* r = runtime_view.load();
    return r != nullptr ? r->Store() : nullptr;
  });
  http_options.remote_read = [&remote_read](const server::http::HttpRequest& r) {
    return remote_read.Handle(r);
  };
  server::http::HttpServer http_server(std::move(http_options), &registry);
  CHARON_RETURN_IF_ERROR(http_server.Start());

  CHARON_ASSIGN_OR_RETURN(std::unique_ptr<StoreRuntime> runtime,
                          StoreRuntime::Start(flags, registry, matchers_cache.get()));
  runtime_view.store(runtime.get());
  base::LogInfo("starting store node");

  stop.WaitForNotification();
  base::LogInfo("caught signal. Exiting.", {{"signal", strsignal(signal_received.load())}});

  // Thanos interrupts its actors together: gRPC and HTTP drain in parallel, each within its grace.
  std::thread grpc_stop([&] { runtime->Shutdown(flags.grpc_grace_period); });
  http_server.Shutdown();
  grpc_stop.join();
  runtime_view.store(nullptr);
  runtime.reset();
  base::LogInfo("exiting");
  return absl::OkStatus();
}

}  // namespace charon::cmd
