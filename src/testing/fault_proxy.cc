#include "testing/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::testing {
namespace {

constexpr size_t kNpos = std::string::npos;

// The start line and headers of an HTTP/1.1 message, as received.
struct Head {
  std::string start_line;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  std::string Get(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return "";
  }
  // The message again, without the hop-by-hop headers a proxy must not forward, plus `extra`.
  std::string Serialize(std::string_view extra = "") const {
    std::string out = absl::StrCat(start_line, "\r\n");
    for (const auto& [name, value] : headers) {
      if (name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
          name == "expect") {
        continue;
      }
      absl::StrAppend(&out, name, ": ", value, "\r\n");
    }
    absl::StrAppend(&out, base::Absl(extra), "\r\n");
    return out;
  }
};

Head ParseHead(std::string_view text) {
  Head head;
  size_t pos = text.find("\r\n");
  head.start_line = std::string(text.substr(0, pos));
  while (pos != kNpos && pos + 2 < text.size()) {
    pos += 2;
    size_t next = text.find("\r\n", pos);
    std::string_view line = text.substr(pos, next == kNpos ? kNpos : next - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      head.headers.emplace_back(
          absl::AsciiStrToLower(std::string(line.substr(0, colon))),
          std::string(absl::StripAsciiWhitespace(base::Absl(line.substr(colon + 1)))));
    }
    pos = next;
  }
  return head;
}

// Where a chunked body that starts at `start` of `buf` ends (one past its last byte), or kNpos if
// it has not all arrived yet.
size_t ChunkedEnd(const std::string& buf, size_t start) {
  size_t pos = start;
  while (true) {
    size_t eol = buf.find("\r\n", pos);
    if (eol == kNpos) return kNpos;
    uint64_t size = 0;
    std::string_view digits(buf.data() + pos, eol - pos);
    digits = digits.substr(0, digits.find(';'));
    if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(base::Absl(digits)), &size)) return kNpos;
    pos = eol + 2;
    if (size == 0) {
      if (buf.compare(pos, 2, "\r\n") == 0) return pos + 2;
      size_t end = buf.find("\r\n\r\n", pos);
      return end == kNpos ? kNpos : end + 4;
    }
    if (buf.size() < pos + size + 2) return kNpos;
    pos += size + 2;
  }
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

std::string SimpleResponse(int status, std::string_view reason, std::string_view body) {
  return absl::StrCat("HTTP/1.1 ", status, " ", base::Absl(reason),
                      "\r\nContent-Type: application/xml\r\nContent-Length: ", body.size(),
                      "\r\n\r\n", base::Absl(body));
}

constexpr char kSlowDownBody[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please "
    "reduce your request rate.</Message></Error>";

}  // namespace

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(int upstream_port,
                                                              absl::Duration delay) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 512) != 0 ||
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
  std::unique_ptr<FaultProxy> proxy(
      new FaultProxy(fd, ntohs(addr.sin_port), upstream_port, pipefd[0], pipefd[1], delay));
  proxy->accept_thread_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  char b = 'x';
  (void)!::write(wake_write_, &b, 1);  // never read: wakes every poll from now on
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

std::string FaultProxy::endpoint() const { return absl::StrCat("127.0.0.1:", port_); }

void FaultProxy::SetDelay(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  delay_ = delay;
}

absl::Duration FaultProxy::delay() const {
  absl::MutexLock lock(&mu_);
  return delay_;
}

void FaultProxy::InjectFault(Fault fault, int n, std::string target_substring) {
  if (n <= 0) return;
  absl::MutexLock lock(&mu_);
  faults_pending_.push_back({fault, n, std::move(target_substring)});
}

void FaultProxy::ClearFaults() {
  absl::MutexLock lock(&mu_);
  faults_pending_.clear();
}

bool FaultProxy::TakeFault(std::string_view target, Fault* fault) {
  absl::MutexLock lock(&mu_);
  for (auto it = faults_pending_.begin(); it != faults_pending_.end(); ++it) {
    if (target.find(it->target_substring) == std::string_view::npos) continue;
    *fault = it->fault;
    if (--it->remaining == 0) faults_pending_.erase(it);
    ++faults_;
    return true;
  }
  return false;
}

bool FaultProxy::WaitReadable(int fd, absl::Duration timeout) const {
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

bool FaultProxy::Sleep(absl::Duration d) const {
  if (d <= absl::ZeroDuration()) return !stopping_;
  pollfd wake = {wake_read_, POLLIN, 0};
  int n;
  do {
    n = ::poll(&wake, 1, static_cast<int>(absl::ToInt64Milliseconds(d)));
  } while (n < 0 && errno == EINTR);
  return n == 0 && !stopping_;
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    if (!WaitReadable(listen_fd_, absl::InfiniteDuration())) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ++connections_;
    absl::MutexLock lock(&mu_);
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FaultProxy::Serve(int client) {
  int upstream = -1;
  auto track = [this](int fd, bool open) {
    absl::MutexLock lock(&mu_);
    if (open) {
      open_fds_.push_back(fd);
    } else {
      open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
      ::close(fd);
    }
  };
  auto close_upstream = [&] {
    if (upstream >= 0) track(upstream, false);
    upstream = -1;
  };
  // Appends what arrives next on `fd` to `buf`; false on end of stream, error or shutdown.
  char chunk[65536];
  auto read_more = [&](int fd, std::string& buf) {
    if (!WaitReadable(fd, absl::InfiniteDuration())) return false;
    ssize_t n;
    do {
      n = ::recv(fd, chunk, sizeof(chunk), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  // Reads one response to a request with `method` from the upstream into `head` and `body` (raw,
  // chunk framing included); `until_close` when the body ends with the connection.
  std::string ubuf;
  auto read_response = [&](const std::string& method, Head* head, std::string* body,
                           bool* until_close) {
    size_t end;
    while ((end = ubuf.find("\r\n\r\n")) == kNpos) {
      if (!read_more(upstream, ubuf)) return false;
    }
    *head = ParseHead(std::string_view(ubuf).substr(0, end));
    ubuf.erase(0, end + 4);
    const int status = std::atoi(head->start_line.substr(head->start_line.find(' ') + 1).c_str());
    *until_close = false;
    size_t body_end = 0;
    int64_t length = 0;
    if (method == "HEAD" || status < 200 || status == 204 || status == 304) {
      body_end = 0;
    } else if (absl::AsciiStrToLower(head->Get("transfer-encoding")).find("chunked") != kNpos) {
      while ((body_end = ChunkedEnd(ubuf, 0)) == kNpos) {
        if (!read_more(upstream, ubuf)) return false;
      }
    } else if (absl::SimpleAtoi(head->Get("content-length"), &length)) {
      while (ubuf.size() < static_cast<size_t>(length)) {
        if (!read_more(upstream, ubuf)) return false;
      }
      body_end = static_cast<size_t>(length);
    } else {
      while (read_more(upstream, ubuf)) {
      }
      *until_close = true;
      body_end = ubuf.size();
    }
    *body = ubuf.substr(0, body_end);
    ubuf.erase(0, body_end);
    return true;
  };

  std::string buf;
  // Serves one request; false when the connection is to end.
  auto serve_one = [&]() -> bool {
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == kNpos) {
      if (!read_more(client, buf)) return false;
    }
    {
      Head request = ParseHead(std::string_view(buf).substr(0, end));
      buf.erase(0, end + 4);
      const std::string method = request.start_line.substr(0, request.start_line.find(' '));
      const size_t sp1 = request.start_line.find(' ');
      const std::string target =
          request.start_line.substr(sp1 + 1, request.start_line.rfind(' ') - sp1 - 1);
      if (!request.Get("transfer-encoding").empty()) {
        (void)WriteAll(client, SimpleResponse(501, "Not Implemented", "chunked request body"));
        return false;
      }
      if (absl::AsciiStrToLower(request.Get("expect")) == "100-continue" &&
          !WriteAll(client, "HTTP/1.1 100 Continue\r\n\r\n")) {
        return false;
      }
      size_t content_length = 0;
      (void)absl::SimpleAtoi(request.Get("content-length"), &content_length);
      while (buf.size() < content_length) {
        if (!read_more(client, buf)) return false;
      }
      const std::string request_body = buf.substr(0, content_length);
      buf.erase(0, content_length);
      ++requests_;

      Fault fault = Fault::kSlowDown;
      const bool faulted = TakeFault(target, &fault);
      if (!Sleep(delay())) return false;
      if (faulted && fault == Fault::kHang) {
        while (read_more(client, buf)) buf.clear();
        return false;
      }
      if (faulted && fault == Fault::kSlowDown) {
        if (!WriteAll(client, SimpleResponse(503, "Slow Down", kSlowDownBody))) return false;
        return true;
      }

      // Forward, on the kept-alive upstream connection; one that the upstream closed while idle is
      // replaced once.
      const std::string out = request.Serialize() + request_body;
      Head response;
      std::string body;
      bool until_close = false;
      bool answered = false;
      for (int attempt = 0; attempt < 2 && !answered; ++attempt) {
        const bool reused = upstream >= 0;
        if (upstream < 0) {
          upstream = ConnectLoopback(upstream_port_);
          if (upstream < 0) break;
          track(upstream, true);
        }
        ubuf.clear();
        answered = WriteAll(upstream, out) && read_response(method, &response, &body, &until_close);
        if (!answered) {
          close_upstream();
          if (!reused) break;
        }
      }
      if (!answered) {
        if (!WriteAll(client, SimpleResponse(502, "Bad Gateway", "upstream failed"))) return false;
        return true;
      }
      if (until_close || absl::AsciiStrToLower(response.Get("connection")) == "close") {
        close_upstream();
      }
      std::string head = response.Serialize(
          until_close ? absl::StrCat("content-length: ", body.size(), "\r\n") : "");
      if (faulted && fault == Fault::kDropMidBody) {
        (void)WriteAll(client, head + body.substr(0, body.size() / 2));
        return false;
      }
      if (!WriteAll(client, head + body)) return false;
      if (absl::AsciiStrToLower(request.Get("connection")) == "close") return false;
    }
    return true;
  };
  while (!stopping_ && serve_one()) {
  }
  close_upstream();
  ::shutdown(client, SHUT_RDWR);
  track(client, false);
}

}  // namespace charon::testing
