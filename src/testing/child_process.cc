#include "testing/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/strings.h"

extern char** environ;

namespace charon::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

absl::Status Errno(std::string_view what) {
  return absl::UnavailableError(absl::StrCat(base::Absl(what), ": ", std::strerror(errno)));
}

// Owns the char* arrays posix_spawn needs; the strings stay in `storage`.
struct CArgs {
  std::vector<std::string> storage;
  std::vector<char*> ptrs;
  explicit CArgs(std::vector<std::string> items) : storage(std::move(items)) {
    for (std::string& s : storage) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
};

CArgs Environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string key(entry.substr(0, entry.find('=')));
    if (!extra.contains(key)) env.emplace_back(entry);
  }
  for (const auto& [k, v] : extra) env.push_back(absl::StrCat(k, "=", v));
  return CArgs(std::move(env));
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&fa_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa_); }
  posix_spawn_file_actions_t* get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

class SpawnAttr {
 public:
  explicit SpawnAttr(bool own_group) {
    posix_spawnattr_init(&attr_);
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigmask(&attr_, &empty);
    sigset_t deflt;
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr_, &deflt);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (own_group) {
      flags |= POSIX_SPAWN_SETPGROUP;
      posix_spawnattr_setpgroup(&attr_, 0);
    }
    posix_spawnattr_setflags(&attr_, flags);
  }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr_); }
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

void CloseIfOpen(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

absl::Status ConnectLoopback(int port, int* fd_out) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    absl::Status s = Errno(absl::StrCat("connect 127.0.0.1:", port));
    close(fd);
    return s;
  }
  *fd_out = fd;
  return absl::OkStatus();
}

// One HTTP/1.0 GET; OK iff the status line says 2xx.
absl::Status HttpGetOk(int port, std::string_view path) {
  int fd = -1;
  absl::Status s = ConnectLoopback(port, &fd);
  if (!s.ok()) return s;
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string req = absl::StrCat("GET ", base::Absl(path), " HTTP/1.0\r\nHost: 127.0.0.1:", port,
                                 "\r\nConnection: close\r\n\r\n");
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    s = Errno("send");
    close(fd);
    return s;
  }
  std::string head;
  char buf[512];
  while (head.size() < 12) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  // "HTTP/1.1 200 OK"
  if (head.size() >= 12 && head.compare(0, 5, "HTTP/") == 0 && head[9] == '2') {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat("HTTP answer: ", head.substr(0, head.find('\r'))));
}

}  // namespace

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         std::string_view stdin_text) {
  if (argv.empty()) return absl::InvalidArgumentError("RunCommand: empty argv");
  int out[2] = {-1, -1}, err[2] = {-1, -1}, in[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
    absl::Status s = Errno("pipe");
    for (int* fd : {&out[0], &out[1], &err[0], &err[1], &in[0], &in[1]}) CloseIfOpen(*fd);
    return s;
  }
  FileActions fa;
  posix_spawn_file_actions_adddup2(fa.get(), in[1], 0);
  posix_spawn_file_actions_adddup2(fa.get(), out[1], 1);
  posix_spawn_file_actions_adddup2(fa.get(), err[1], 2);
  SpawnAttr attr(/*own_group=*/false);
  CArgs args(argv);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args.ptrs[0], fa.get(), attr.get(), args.ptrs.data(), environ);
  CloseIfOpen(out[1]);
  CloseIfOpen(err[1]);
  CloseIfOpen(in[1]);
  if (rc != 0) {
    for (int* fd : {&out[0], &err[0], &in[0]}) CloseIfOpen(*fd);
    return absl::UnavailableError(absl::StrCat("starting ", argv[0], ": ", std::strerror(rc)));
  }
  if (stdin_text.empty()) shutdown(in[0], SHUT_WR);

  CommandResult result;
  size_t written = 0;
  char buf[65536];
  while (out[0] >= 0 || err[0] >= 0) {
    pollfd fds[3];
    int n = 0;
    for (int fd : {out[0], err[0]}) fds[n++] = pollfd{fd, POLLIN, 0};
    bool writing = in[0] >= 0 && written < stdin_text.size();
    fds[n++] = pollfd{writing ? in[0] : -1, POLLOUT, 0};
    if (poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (writing && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = send(in[0], stdin_text.data() + written, stdin_text.size() - written,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = stdin_text.size();
      if (written == stdin_text.size()) shutdown(in[0], SHUT_WR);
    }
    int* fdp[2] = {&out[0], &err[0]};
    std::string* dst[2] = {&result.stdout_text, &result.stderr_text};
    for (int i = 0; i < 2; ++i) {
      if (*fdp[i] < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(*fdp[i], buf, sizeof(buf));
      if (r > 0) {
        dst[i]->append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        CloseIfOpen(*fdp[i]);
      }
    }
  }
  CloseIfOpen(in[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = DecodeWaitStatus(status);
  return result;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(ChildProcessOptions options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("ChildProcess: empty argv");
  if (options.log_path.empty())
    return absl::InvalidArgumentError("ChildProcess: log_path required");
  int log_fd = open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Errno(absl::StrCat("opening ", options.log_path));
  FileActions fa;
  posix_spawn_file_actions_addopen(fa.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(fa.get(), log_fd, 1);
  posix_spawn_file_actions_adddup2(fa.get(), log_fd, 2);
  if (!options.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(fa.get(), options.working_dir.c_str());
  }
  SpawnAttr attr(/*own_group=*/true);
  CArgs args(options.argv);
  CArgs env = Environment(options.env);
  pid_t pid = -1;
  int rc =
      posix_spawnp(&pid, args.ptrs[0], fa.get(), attr.get(), args.ptrs.data(), env.ptrs.data());
  close(log_fd);
  if (rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("starting ", options.argv[0], ": ", std::strerror(rc)));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(std::move(options), pid));
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::Running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    exit_code_ = DecodeWaitStatus(status);
    return false;
  }
  return r == 0;
}

int ChildProcess::Stop() {
  if (!Running()) return exit_code_;
  kill(-pid_, SIGTERM);
  absl::Time deadline = absl::Now() + options_.stop_timeout;
  while (Running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  // SIGKILL the whole group, also reaching helpers the server forked and left behind.
  kill(-pid_, SIGKILL);
  if (!reaped_) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    exit_code_ = DecodeWaitStatus(status);
  }
  return exit_code_;
}

absl::Status ChildProcess::ExitedError() {
  return absl::FailedPreconditionError(
      absl::StrCat(options_.argv[0], " exited with code ", exit_code_, "; log tail:\n", LogTail()));
}

absl::Status ChildProcess::WaitForTcpPort(int port, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (!Running()) return ExitedError();
    int fd = -1;
    if (ConnectLoopback(port, &fd).ok()) {
      close(fd);
      return absl::OkStatus();
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(options_.argv[0], " did not listen on port ",
                                                      port, "; log tail:\n", LogTail()));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::Status ChildProcess::WaitForHttp(int port, std::string_view path, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Status last;
  while (true) {
    if (!Running()) return ExitedError();
    last = HttpGetOk(port, path);
    if (last.ok()) return last;
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(options_.argv[0], " not ready at ",
                                                      base::Absl(path), ": ", last.message(),
                                                      "; log tail:\n", LogTail()));
    }
    absl::SleepFor(kPollInterval);
  }
}

std::string ChildProcess::LogTail(size_t max_bytes) const {
  int fd = open(options_.log_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  std::string tail;
  if (fstat(fd, &st) == 0) {
    off_t start =
        st.st_size > static_cast<off_t>(max_bytes) ? st.st_size - static_cast<off_t>(max_bytes) : 0;
    tail.resize(static_cast<size_t>(st.st_size - start));
    ssize_t n = pread(fd, tail.data(), tail.size(), start);
    tail.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  close(fd);
  return tail;
}

absl::Status StopAndWait(pid_t pid, absl::Duration timeout) {
  if (kill(pid, SIGSTOP) != 0) {
    return absl::UnavailableError(absl::StrCat("SIGSTOP: ", std::strerror(errno)));
  }
  const std::string stat_path = absl::StrCat("/proc/", pid, "/stat");
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    // "<pid> (<comm>) <state> ...": the state follows the last ')'.
    char buf[512];
    int fd = open(stat_path.c_str(), O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) close(fd);
    if (n > 0) {
      std::string_view stat(buf, static_cast<size_t>(n));
      size_t paren = stat.rfind(')');
      if (paren != std::string_view::npos && paren + 2 < stat.size() &&
          (stat[paren + 2] == 'T' || stat[paren + 2] == 't')) {
        return absl::OkStatus();
      }
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return absl::DeadlineExceededError(absl::StrCat("process ", pid, " did not stop"));
}

}  // namespace charon::testing
