#include "testing/redis_server.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "testing/free_port.h"

namespace charon::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(
    std::vector<std::string> extra_args) {
  absl::StatusOr<TempDir> dir = TempDir::Create("redis");
  if (!dir.ok()) return dir.status();
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    std::unique_ptr<RedisServer> server(new RedisServer(std::move(*dir), *port, extra_args));
    last = server->Launch();
    if (last.ok()) return server;
    dir = std::move(server->dir_);
  }
  return last;
}

RedisServer::~RedisServer() { Stop(); }

std::string RedisServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status RedisServer::Launch() {
  ChildProcessOptions o;
  o.argv = {"redis-server", "--bind", "127.0.0.1", "--port",   std::to_string(port_), "--save", "",
            "--appendonly", "no",     "--dir",     dir_.path()};
  o.argv.insert(o.argv.end(), extra_args_.begin(), extra_args_.end());
  o.log_path = dir_.Path("redis.log");
  o.stop_timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<ChildProcess>> p = ChildProcess::Start(std::move(o));
  if (!p.ok()) return p.status();
  absl::Status ready = (*p)->WaitForTcpPort(port_, absl::Seconds(10));
  if (!ready.ok()) return ready;
  process_ = std::move(p).value();
  paused_ = false;
  return absl::OkStatus();
}

absl::Status RedisServer::Pause() {
  if (process_ == nullptr) return absl::FailedPreconditionError("redis-server is not running");
  paused_ = true;  // even if the wait fails, Stop must send SIGCONT
  absl::Status stopped = StopAndWait(process_->pid());
  if (!stopped.ok()) return stopped;
  return absl::OkStatus();
}

absl::Status RedisServer::Resume() {
  if (process_ == nullptr) return absl::FailedPreconditionError("redis-server is not running");
  if (kill(process_->pid(), SIGCONT) != 0) {
    return absl::UnavailableError(absl::StrCat("SIGCONT: ", std::strerror(errno)));
  }
  paused_ = false;
  return absl::OkStatus();
}

void RedisServer::Stop() {
  if (process_ == nullptr) return;
  if (paused_) kill(process_->pid(), SIGCONT);
  process_->Stop();
  process_.reset();
  paused_ = false;
}

absl::Status RedisServer::Restart() {
  Stop();
  absl::Status s;
  for (int attempt = 0; attempt < 20; ++attempt) {
    s = Launch();
    if (s.ok()) return s;
    usleep(100 * 1000);
  }
  return s;
}

absl::StatusOr<std::string> RedisServer::Cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"redis-cli", "-h", "127.0.0.1", "-p", std::to_string(port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r = RunCommand(argv);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("redis-cli exited ", r->exit_code, ": ", r->stderr_text));
  }
  return std::string(absl::StripSuffix(r->stdout_text, "\n"));
}

}  // namespace charon::testing
