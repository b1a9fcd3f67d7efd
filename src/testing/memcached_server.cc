#include "testing/memcached_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "testing/free_port.h"

namespace charon::testing {

absl::StatusOr<std::unique_ptr<MemcachedServer>> MemcachedServer::Start(
    std::vector<std::string> extra_args) {
  absl::StatusOr<TempDir> dir = TempDir::Create("memcached");
  if (!dir.ok()) return dir.status();
  absl::Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    std::unique_ptr<MemcachedServer> server(
        new MemcachedServer(std::move(*dir), *port, extra_args));
    last = server->Launch();
    if (last.ok()) return server;
    dir = std::move(server->dir_);
  }
  return last;
}

MemcachedServer::~MemcachedServer() { Stop(); }

std::string MemcachedServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status MemcachedServer::Launch() {
  ChildProcessOptions o;
  o.argv = {"memcached", "-l", "127.0.0.1", "-p", std::to_string(port_), "-U", "0"};
  // memcached refuses to run as root unless told which user to be.
  if (geteuid() == 0) o.argv.insert(o.argv.end(), {"-u", "root"});
  o.argv.insert(o.argv.end(), extra_args_.begin(), extra_args_.end());
  o.log_path = dir_.Path("memcached.log");
  o.stop_timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<ChildProcess>> p = ChildProcess::Start(std::move(o));
  if (!p.ok()) return p.status();
  absl::Status ready = (*p)->WaitForTcpPort(port_, absl::Seconds(10));
  if (!ready.ok()) return ready;
  process_ = std::move(p).value();
  paused_ = false;
  return absl::OkStatus();
}

absl::Status MemcachedServer::Pause() {
  if (process_ == nullptr) return absl::FailedPreconditionError("memcached is not running");
  paused_ = true;  // even if the wait fails, Stop must send SIGCONT
  absl::Status stopped = StopAndWait(process_->pid());
  if (!stopped.ok()) return stopped;
  return absl::OkStatus();
}

absl::Status MemcachedServer::Resume() {
  if (process_ == nullptr) return absl::FailedPreconditionError("memcached is not running");
  if (kill(process_->pid(), SIGCONT) != 0) {
    return absl::UnavailableError(absl::StrCat("SIGCONT: ", std::strerror(errno)));
  }
  paused_ = false;
  return absl::OkStatus();
}

void MemcachedServer::Stop() {
  if (process_ == nullptr) return;
  if (paused_) kill(process_->pid(), SIGCONT);
  process_->Stop();
  process_.reset();
  paused_ = false;
}

absl::Status MemcachedServer::Restart() {
  Stop();
  // The old socket may linger briefly; memcached sets SO_REUSEADDR, so a few tries suffice.
  absl::Status s;
  for (int attempt = 0; attempt < 20; ++attempt) {
    s = Launch();
    if (s.ok()) return s;
    usleep(100 * 1000);
  }
  return s;
}

absl::Status MemcachedServer::FlushAll() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  absl::Status result = absl::OkStatus();
  const char cmd[] = "flush_all\r\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      write(fd, cmd, sizeof cmd - 1) != static_cast<ssize_t>(sizeof cmd - 1)) {
    result = absl::UnavailableError(absl::StrCat("flush_all: ", std::strerror(errno)));
  } else {
    std::string reply;
    char buf[64];
    while (!absl::StrContains(reply, "\r\n")) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      reply.append(buf, static_cast<size_t>(n));
    }
    if (!absl::StartsWith(reply, "OK")) {
      result = absl::UnavailableError(absl::StrCat("flush_all answered \"", reply, "\""));
    }
  }
  close(fd);
  return result;
}

}  // namespace charon::testing
