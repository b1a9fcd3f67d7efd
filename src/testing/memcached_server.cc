#include "testing/memcached_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace charon::testing {

absl::StatusOr<std::unique_ptr<MemcachedServer>> MemcachedServer::Start(
    std::vector<std::string> extra_args) {
  absl::StatusOr<std::unique_ptr<CacheServer>> s =
      StartServer("memcached", [&](TempDir dir, int port) {
        return std::unique_ptr<CacheServer>(new MemcachedServer(std::move(dir), port, extra_args));
      });
  if (!s.ok()) return s.status();
  return std::unique_ptr<MemcachedServer>(static_cast<MemcachedServer*>(s->release()));
}

std::vector<std::string> MemcachedServer::Argv() const {
  std::vector<std::string> argv = {"memcached", "-l", "127.0.0.1", "-p", std::to_string(port()),
                                   "-U",        "0"};
  // memcached refuses to run as root unless told which user to be.
  if (geteuid() == 0) argv.insert(argv.end(), {"-u", "root"});
  return argv;
}

absl::Status MemcachedServer::FlushAll() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port()));
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
