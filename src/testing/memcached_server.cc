#include "testing/memcached_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

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

absl::StatusOr<std::string> MemcachedServer::Command(absl::string_view request,
                                                     absl::string_view reply_end) const {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    absl::Status s = absl::UnavailableError(absl::StrCat("connect: ", std::strerror(errno)));
    close(fd);
    return s;
  }
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = write(fd, request.data() + sent, request.size() - sent);
    if (n <= 0) {
      absl::Status s = absl::UnavailableError(absl::StrCat("write: ", std::strerror(errno)));
      close(fd);
      return s;
    }
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  char buf[4096];
  // Every reply ends with a line; `reply_end` is that line for multi-line replies.
  while (!absl::EndsWith(reply, "\r\n") ||
         (!reply_end.empty() && !absl::EndsWith(reply, reply_end))) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return reply;
}

absl::Status MemcachedServer::FlushAll() {
  absl::StatusOr<std::string> reply = Command("flush_all\r\n", "");
  if (!reply.ok()) return reply.status();
  if (!absl::StartsWith(*reply, "OK")) {
    return absl::UnavailableError(absl::StrCat("flush_all answered \"", *reply, "\""));
  }
  return absl::OkStatus();
}

absl::Status MemcachedServer::Set(absl::string_view key, absl::string_view value) {
  absl::StatusOr<std::string> reply =
      Command(absl::StrCat("set ", key, " 0 0 ", value.size(), "\r\n", value, "\r\n"), "");
  if (!reply.ok()) return reply.status();
  if (!absl::StartsWith(*reply, "STORED")) {
    return absl::UnavailableError(absl::StrCat("set ", key, " answered \"", *reply, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> MemcachedServer::Keys() const {
  absl::StatusOr<std::string> reply = Command("lru_crawler metadump all\r\n", "END\r\n");
  if (!reply.ok()) return reply.status();
  std::vector<std::string> keys;
  // Key lines end with "\n" alone, the final END with "\r\n".
  for (absl::string_view line : absl::StrSplit(*reply, '\n', absl::SkipEmpty())) {
    line = absl::StripSuffix(line, "\r");
    if (line == "END") return keys;
    if (!absl::StartsWith(line, "key=")) {
      return absl::UnavailableError(absl::StrCat("metadump answered \"", line, "\""));
    }
    line.remove_prefix(4);
    line = line.substr(0, line.find(' '));
    // Keys come URI-encoded (%XX).
    std::string key;
    auto hex = [](char c) { return absl::ascii_isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '%' && i + 2 < line.size() && absl::ascii_isxdigit(line[i + 1]) &&
          absl::ascii_isxdigit(line[i + 2])) {
        key.push_back(static_cast<char>(hex(line[i + 1]) * 16 + hex(line[i + 2])));
        i += 2;
      } else {
        key.push_back(line[i]);
      }
    }
    keys.push_back(std::move(key));
  }
  return absl::UnavailableError("metadump answer ended without END");
}

}  // namespace charon::testing
