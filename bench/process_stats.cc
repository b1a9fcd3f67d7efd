#include "bench/process_stats.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/strings.h"

extern char** environ;

namespace charon::bench {

absl::StatusOr<MeasuredRun> RunMeasured(const std::vector<std::string>& argv,
                                        const std::string& log_path) {
  std::vector<std::string> storage = argv;
  std::vector<char*> ptrs;
  for (std::string& s : storage) ptrs.push_back(s.data());
  ptrs.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, ptrs[0], &actions, nullptr, ptrs.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat("starting ", argv[0], ": ", std::strerror(rc)));
  }
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR)
      return absl::UnavailableError(absl::StrCat("wait4: ", std::strerror(errno)));
  }
  MeasuredRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.max_rss_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;
  return run;
}

absl::StatusOr<int64_t> ProcStatusBytes(pid_t pid, std::string_view field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  if (!in) return absl::NotFoundError(absl::StrCat("no process ", pid));
  std::string line;
  const std::string prefix = absl::StrCat(base::Absl(field), ":");
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string_view rest = std::string_view(line).substr(prefix.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    rest = rest.substr(0, rest.find(' '));
    int64_t kb = 0;
    if (!absl::SimpleAtoi(base::Absl(rest), &kb)) break;
    return kb * 1024;
  }
  return absl::NotFoundError(absl::StrCat("no ", base::Absl(field), " for process ", pid));
}

absl::StatusOr<double> ProcCpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat;
  if (!in || !std::getline(in, stat)) return absl::NotFoundError(absl::StrCat("no process ", pid));
  // Fields after the parenthesised command name (which may hold spaces): state is field 3,
  // utime and stime are fields 14 and 15.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return absl::NotFoundError("unreadable /proc stat");
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int64_t FileBytesUnder(const std::string& dir, std::string_view file_name) {
  std::error_code ec;
  int64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (!file_name.empty() && it->path().filename() != file_name) continue;
    total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

}  // namespace charon::bench
