#include "testing/loopback_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace charon::testing {

absl::StatusOr<std::unique_ptr<LoopbackListener>> LoopbackListener::Listen(int backlog) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("listen on 127.0.0.1: ", std::strerror(err)));
  }
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  return std::unique_ptr<LoopbackListener>(
      new LoopbackListener(fd, ntohs(addr.sin_port), pipefd[0], pipefd[1]));
}

LoopbackListener::~LoopbackListener() {
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

void LoopbackListener::Stop() {
  if (stopping_.exchange(true)) return;
  char b = 'x';
  (void)!::write(wake_write_, &b, 1);  // never read: wakes every poll from now on
}

int LoopbackListener::Accept() const {
  if (!WaitReadable(listen_fd_, absl::InfiniteDuration())) return -1;
  int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool LoopbackListener::WaitReadable(int fd, absl::Duration timeout) const {
  pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_, POLLIN, 0}};
  const int ms = timeout == absl::InfiniteDuration()
                     ? -1
                     : static_cast<int>(absl::ToInt64Milliseconds(timeout));
  int n;
  do {
    n = ::poll(fds, 2, ms);
  } while (n < 0 && errno == EINTR);
  if (n <= 0 || stopping_ || (fds[1].revents & POLLIN)) return false;
  return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

bool LoopbackListener::Sleep(absl::Duration d) const {
  if (d <= absl::ZeroDuration()) return !stopping_;
  pollfd wake = {wake_read_, POLLIN, 0};
  int n;
  do {
    n = ::poll(&wake, 1, static_cast<int>(absl::ToInt64Milliseconds(d)));
  } while (n < 0 && errno == EINTR);
  return n == 0 && !stopping_;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace charon::testing
