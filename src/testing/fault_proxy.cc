#include "testing/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "testing/http_message.h"

namespace charon::testing {
namespace {

constexpr size_t kNpos = std::string::npos;

// The message again, without the hop-by-hop headers a proxy must not forward, plus `extra`.
std::string Serialize(const HttpHead& head, std::string_view extra = "") {
  std::string out = absl::StrCat(head.start_line, "\r\n");
  for (const auto& [name, value] : head.headers) {
    if (name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
        name == "expect") {
      continue;
    }
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&out, base::Absl(extra), "\r\n");
  return out;
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
  return HttpResponseBytes(
      status, reason,
      {{"Content-Type", "application/xml"}, {"Content-Length", absl::StrCat(body.size())}}, body);
}

constexpr char kSlowDownBody[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please "
    "reduce your request rate.</Message></Error>";

}  // namespace

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(int upstream_port,
                                                              absl::Duration delay) {
  absl::StatusOr<std::unique_ptr<LoopbackListener>> listener = LoopbackListener::Listen(512);
  if (!listener.ok()) return listener.status();
  std::unique_ptr<FaultProxy> proxy(new FaultProxy(*std::move(listener), upstream_port, delay));
  proxy->accept_thread_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  listener_->Stop();
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

std::string FaultProxy::endpoint() const { return absl::StrCat("127.0.0.1:", port()); }

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

void FaultProxy::AcceptLoop() {
  while (!listener_->stopping()) {
    int fd = listener_->Accept();
    if (fd < 0) continue;
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
    if (!listener_->WaitReadable(fd, absl::InfiniteDuration())) return false;
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
  auto read_upstream = [&] { return read_more(upstream, ubuf); };
  auto read_response = [&](const std::string& method, HttpHead* head, std::string* body,
                           bool* until_close) {
    if (!ReadHttpHead(ubuf, read_upstream, head)) return false;
    const int status = head->Status();
    *until_close = false;
    size_t body_end = 0;
    int64_t length = 0;
    if (method == "HEAD" || status < 200 || status == 204 || status == 304) {
      body_end = 0;
    } else if (absl::AsciiStrToLower(head->Get("transfer-encoding")).find("chunked") != kNpos) {
      while ((body_end = ChunkedEnd(ubuf, 0)) == kNpos) {
        if (!read_upstream()) return false;
      }
    } else if (absl::SimpleAtoi(head->Get("content-length"), &length)) {
      return ReadHttpBody(ubuf, static_cast<size_t>(length), read_upstream, body);
    } else {
      while (read_upstream()) {
      }
      *until_close = true;
      body_end = ubuf.size();
    }
    *body = ubuf.substr(0, body_end);
    ubuf.erase(0, body_end);
    return true;
  };

  std::string buf;
  auto read_client = [&] { return read_more(client, buf); };
  // Serves one request; false when the connection is to end.
  auto serve_one = [&]() -> bool {
    HttpHead request;
    if (!ReadHttpHead(buf, read_client, &request)) return false;
    {
      const std::string method = request.Method();
      const std::string target = request.Target();
      if (!request.Get("transfer-encoding").empty()) {
        (void)SendAll(client, SimpleResponse(501, "Not Implemented", "chunked request body"));
        return false;
      }
      if (absl::AsciiStrToLower(request.Get("expect")) == "100-continue" &&
          !SendAll(client, "HTTP/1.1 100 Continue\r\n\r\n")) {
        return false;
      }
      size_t content_length = 0;
      (void)absl::SimpleAtoi(request.Get("content-length"), &content_length);
      std::string request_body;
      if (!ReadHttpBody(buf, content_length, read_client, &request_body)) return false;
      ++requests_;

      Fault fault = Fault::kSlowDown;
      const bool faulted = TakeFault(target, &fault);
      if (!listener_->Sleep(delay())) return false;
      if (faulted && fault == Fault::kHang) {
        while (read_more(client, buf)) buf.clear();
        return false;
      }
      if (faulted && fault == Fault::kSlowDown) {
        if (!SendAll(client, SimpleResponse(503, "Slow Down", kSlowDownBody))) return false;
        return true;
      }

      // Forward, on the kept-alive upstream connection; one that the upstream closed while idle is
      // replaced once.
      const std::string out = Serialize(request) + request_body;
      HttpHead response;
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
        answered = SendAll(upstream, out) && read_response(method, &response, &body, &until_close);
        if (!answered) {
          close_upstream();
          if (!reused) break;
        }
      }
      if (!answered) {
        if (!SendAll(client, SimpleResponse(502, "Bad Gateway", "upstream failed"))) return false;
        return true;
      }
      if (until_close || absl::AsciiStrToLower(response.Get("connection")) == "close") {
        close_upstream();
      }
      std::string head = Serialize(
          response, until_close ? absl::StrCat("content-length: ", body.size(), "\r\n") : "");
      if (faulted && fault == Fault::kDropMidBody) {
        (void)SendAll(client, head + body.substr(0, body.size() / 2));
        return false;
      }
      if (!SendAll(client, head + body)) return false;
      if (absl::AsciiStrToLower(request.Get("connection")) == "close") return false;
    }
    return true;
  };
  while (!listener_->stopping() && serve_one()) {
  }
  close_upstream();
  ::shutdown(client, SHUT_RDWR);
  track(client, false);
}

}  // namespace charon::testing
