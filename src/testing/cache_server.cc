#include "testing/cache_server.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "testing/free_port.h"

namespace charon::testing {

CacheServer::CacheServer(std::string name, TempDir dir, int port,
                         std::vector<std::string> extra_args)
    : name_(std::move(name)),
      dir_(std::move(dir)),
      port_(port),
      extra_args_(std::move(extra_args)) {}

CacheServer::~CacheServer() { Stop(); }

absl::StatusOr<std::unique_ptr<CacheServer>> CacheServer::StartServer(const std::string& name,
                                                                      const Factory& make) {
  absl::StatusOr<TempDir> dir = TempDir::Create(name);
  if (!dir.ok()) return dir.status();
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    std::unique_ptr<CacheServer> server = make(std::move(*dir), *port);
    last = server->Launch();
    if (last.ok()) return server;
    dir = std::move(server->dir_);
  }
  return last;
}

std::string CacheServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status CacheServer::Launch() {
  ChildProcessOptions o;
  o.argv = Argv();
  o.argv.insert(o.argv.end(), extra_args_.begin(), extra_args_.end());
  o.log_path = dir_.Path(name_ + ".log");
  o.stop_timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<ChildProcess>> p = ChildProcess::Start(std::move(o));
  if (!p.ok()) return p.status();
  absl::Status ready = (*p)->WaitForTcpPort(port_, absl::Seconds(10));
  if (!ready.ok()) return ready;
  process_ = std::move(p).value();
  paused_ = false;
  return absl::OkStatus();
}

absl::Status CacheServer::Pause() {
  if (process_ == nullptr) return absl::FailedPreconditionError(name_ + " is not running");
  paused_ = true;  // even if the wait fails, Stop must send SIGCONT
  return StopAndWait(process_->pid());
}

absl::Status CacheServer::Resume() {
  if (process_ == nullptr) return absl::FailedPreconditionError(name_ + " is not running");
  if (kill(process_->pid(), SIGCONT) != 0) {
    return absl::UnavailableError(absl::StrCat("SIGCONT: ", std::strerror(errno)));
  }
  paused_ = false;
  return absl::OkStatus();
}

void CacheServer::Stop() {
  if (process_ == nullptr) return;
  if (paused_) kill(process_->pid(), SIGCONT);
  process_->Stop();
  process_.reset();
  paused_ = false;
}

absl::Status CacheServer::Restart() {
  Stop();
  // The old socket may linger briefly (both servers set SO_REUSEADDR), so a few tries suffice.
  absl::Status s;
  for (int attempt = 0; attempt < 20; ++attempt) {
    s = Launch();
    if (s.ok()) return s;
    usleep(100 * 1000);
  }
  return s;
}

}  // namespace charon::testing
