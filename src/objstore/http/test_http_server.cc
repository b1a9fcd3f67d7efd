#include "objstore/http/test_http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace charon::objstore::http {
namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string RecordedRequest::Header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<TestHttpServer>> TestHttpServer::Start(Handler handler) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 64) != 0 ||
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
  std::unique_ptr<TestHttpServer> server(
      new TestHttpServer(std::move(handler), fd, ntohs(addr.sin_port), pipefd[0], pipefd[1]));
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

TestHttpServer::~TestHttpServer() {
  stopping_ = true;
  char b = 'x';
  (void)!::write(wake_write_, &b, 1);
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  {
    absl::MutexLock lock(&mu_);
    for (int fd : fds_) ::close(fd);
  }
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

std::string TestHttpServer::url() const { return absl::StrCat("http://127.0.0.1:", port_); }

int TestHttpServer::accepted_connections() const {
  absl::MutexLock lock(&mu_);
  return connections_;
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

bool TestHttpServer::WaitReadable(int fd, absl::Duration timeout) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_, POLLIN, 0}};
  int ms = timeout == absl::InfiniteDuration()
               ? -1
               : static_cast<int>(absl::ToInt64Milliseconds(timeout));
  int n;
  do {
    n = ::poll(fds, 2, ms);
  } while (n < 0 && errno == EINTR);
  if (n <= 0 || stopping_ || (fds[1].revents & POLLIN)) return false;
  return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_) {
    if (!WaitReadable(listen_fd_, absl::InfiniteDuration())) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    absl::MutexLock lock(&mu_);
    int connection = ++connections_;
    fds_.push_back(fd);
    threads_.emplace_back([this, fd, connection] { Serve(fd, connection); });
  }
}

void TestHttpServer::Serve(int fd, int connection) {
  std::string buf;
  char chunk[65536];
  while (!stopping_) {
    // Read one request: headers up to the blank line, then Content-Length bytes of body.
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!WaitReadable(fd, absl::InfiniteDuration())) return;
      ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
    RecordedRequest req;
    req.connection = connection;
    std::string_view head(buf.data(), end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    req.method = std::string(request_line.substr(0, sp1));
    req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    size_t content_length = 0;
    size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string_view::npos) next = head.size();
      std::string_view line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = absl::AsciiStrToLower(std::string(line.substr(0, colon)));
        std::string value(absl::StripAsciiWhitespace(std::string(line.substr(colon + 1))));
        if (name == "content-length") (void)absl::SimpleAtoi(value, &content_length);
        req.headers.emplace_back(std::move(name), std::move(value));
      }
      pos = next + 2;
    }
    buf.erase(0, end + 4);
    if (req.Header("expect") == "100-continue") {
      if (!WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
    }
    while (buf.size() < content_length) {
      if (!WaitReadable(fd, absl::InfiniteDuration())) return;
      ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
    req.body = buf.substr(0, content_length);
    buf.erase(0, content_length);
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(req);
    }

    TestResponse resp = handler_(req);
    if (resp.drop) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
    if (resp.hang) {
      // Wait for shutdown (or the client closing the connection).
      while (WaitReadable(fd, absl::InfiniteDuration())) {
        if (::recv(fd, chunk, sizeof(chunk), 0) <= 0) return;
      }
      return;
    }
    if (resp.delay > absl::ZeroDuration()) {
      pollfd wake = {wake_read_, POLLIN, 0};
      if (::poll(&wake, 1, static_cast<int>(absl::ToInt64Milliseconds(resp.delay))) != 0) return;
    }
    std::string out = absl::StrCat("HTTP/1.1 ", resp.status, " ", Reason(resp.status), "\r\n");
    for (const auto& [name, value] : resp.headers) absl::StrAppend(&out, name, ": ", value, "\r\n");
    absl::StrAppend(
        &out, "Content-Length: ",
        resp.content_length.empty() ? absl::StrCat(resp.body.size()) : resp.content_length, "\r\n");
    if (resp.close_after_body) absl::StrAppend(&out, "Connection: close\r\n");
    absl::StrAppend(&out, "\r\n");
    if (req.method != "HEAD") out += resp.body;
    if (!WriteAll(fd, out) || resp.close_after_body) {
      ::shutdown(fd, SHUT_RDWR);
      return;
    }
  }
}

}  // namespace charon::objstore::http
