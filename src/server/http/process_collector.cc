#include "server/http/process_collector.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "base/logging.h"

namespace charon::server::http {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// /proc/<pid>/limits: a 26-column name, then the soft limit ("unlimited" or a number).
std::optional<double> SoftLimit(absl::string_view limits, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(limits, '\n')) {
    if (!absl::StartsWith(line, name)) continue;
    absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(name.size()));
    absl::string_view soft = rest.substr(0, rest.find(' '));
    if (soft == "unlimited") return -1;
    double v = 0;
    if (absl::SimpleAtod(soft, &v)) return v;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> CountEntries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  double n = 0;
  while (const dirent* e = ::readdir(d)) {
    absl::string_view name = e->d_name;
    if (name != "." && name != "..") ++n;
  }
  ::closedir(d);
  return n;
}

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace

absl::StatusOr<ProcessStats> ReadProcessStats(const std::string& proc_dir,
                                              const std::string& stat_file) {
  absl::StatusOr<std::string> stat = ReadFile(proc_dir + "/stat");
  if (!stat.ok()) return stat.status();
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) {
    return absl::DataLossError(absl::StrCat(proc_dir, "/stat has no command field"));
  }
  std::vector<absl::string_view> f =
      absl::StrSplit(absl::string_view(*stat).substr(paren + 1), ' ', absl::SkipEmpty());
  // f[0] is field 3 (state): utime 14, stime 15, starttime 22, vsize 23, rss 24 (proc(5)).
  if (f.size() < 22) return absl::DataLossError(absl::StrCat(proc_dir, "/stat is too short"));
  double utime = 0, stime = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  if (!absl::SimpleAtod(f[11], &utime) || !absl::SimpleAtod(f[12], &stime) ||
      !absl::SimpleAtod(f[19], &start_ticks) || !absl::SimpleAtod(f[20], &vsize) ||
      !absl::SimpleAtod(absl::StripTrailingAsciiWhitespace(f[21]), &rss_pages)) {
    return absl::DataLossError(absl::StrCat(proc_dir, "/stat has a non-numeric field"));
  }
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));

  absl::StatusOr<std::string> system_stat = ReadFile(stat_file);
  if (!system_stat.ok()) return system_stat.status();
  double boot_time = -1;
  for (absl::string_view line : absl::StrSplit(*system_stat, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ") && absl::SimpleAtod(line, &boot_time)) break;
  }
  if (boot_time < 0) return absl::DataLossError(absl::StrCat(stat_file, " has no btime line"));

  ProcessStats s;
  s.cpu_seconds = (utime + stime) / ticks;
  s.resident_bytes = rss_pages * page;
  s.virtual_bytes = vsize;
  s.start_time_seconds = boot_time + start_ticks / ticks;
  s.open_fds = CountEntries(proc_dir + "/fd");
  if (absl::StatusOr<std::string> limits = ReadFile(proc_dir + "/limits"); limits.ok()) {
    s.max_fds = SoftLimit(*limits, "Max open files");
    s.virtual_max_bytes = SoftLimit(*limits, "Max address space");
  }
  return s;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  absl::StatusOr<ProcessStats> s = ReadProcessStats(proc_dir_);
  if (!s.ok()) {
    base::LogDebug("cannot read process metrics", {{"err", s.status()}});
    return {};
  }
  std::vector<prometheus::MetricFamily> out;
  out.push_back(Family("process_cpu_seconds_total",
                       "Total user and system CPU time spent in seconds.", MetricType::Counter,
                       s->cpu_seconds));
  if (s->max_fds) {
    out.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                         MetricType::Gauge, *s->max_fds));
  }
  if (s->open_fds) {
    out.push_back(Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                         *s->open_fds));
  }
  out.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                       MetricType::Gauge, s->resident_bytes));
  out.push_back(Family("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                       s->start_time_seconds));
  out.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                       MetricType::Gauge, s->virtual_bytes));
  if (s->virtual_max_bytes) {
    out.push_back(Family("process_virtual_memory_max_bytes",
                         "Maximum amount of virtual memory available in bytes.", MetricType::Gauge,
                         *s->virtual_max_bytes));
  }
  return out;
}

}  // namespace charon::server::http
