#include "testing/promtool_dump.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/go_string.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::testing {
namespace {

namespace fs = std::filesystem;

// Length of the Go-quoted literal at the start of `s` (quotes included), or 0 if unterminated.
size_t QuotedLength(std::string_view s) {
  if (s.empty() || s[0] != '"') return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return 0;
}

absl::Status LineError(size_t line_no, std::string_view line, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("promtool dump line ", line_no, ": ", base::Absl(why), ": ", base::Absl(line)));
}

absl::Status ParseLine(std::string_view line, size_t line_no, SeriesSamples& out) {
  if (line.empty() || line[0] != '{') return LineError(line_no, line, "expected '{'");
  tsdb::Labels labels;
  size_t i = 1;
  if (i < line.size() && line[i] == '}') {
    ++i;
  } else {
    while (true) {
      size_t eq = line.find('=', i);
      if (eq == std::string_view::npos) return LineError(line_no, line, "expected '='");
      std::string name(line.substr(i, eq - i));
      size_t qlen = QuotedLength(line.substr(eq + 1));
      if (qlen == 0) return LineError(line_no, line, "bad quoted value");
      absl::StatusOr<std::string> value = base::UnquoteGoString(line.substr(eq + 1, qlen));
      if (!value.ok()) return LineError(line_no, line, base::Std(value.status().message()));
      labels.push_back(tsdb::Label{std::move(name), *std::move(value)});
      i = eq + 1 + qlen;
      if (line.substr(i, 2) == ", ") {
        i += 2;
      } else if (line.substr(i, 1) == "}") {
        ++i;
        break;
      } else {
        return LineError(line_no, line, "expected ', ' or '}'");
      }
    }
  }
  if (line.substr(i, 1) != " ") return LineError(line_no, line, "expected ' ' after labels");
  ++i;
  size_t sp = line.find(' ', i);
  if (sp == std::string_view::npos) return LineError(line_no, line, "expected timestamp");
  std::string value_text(line.substr(i, sp - i));
  char* end = nullptr;
  double v = std::strtod(value_text.c_str(), &end);
  if (value_text.empty() || end != value_text.c_str() + value_text.size()) {
    return LineError(line_no, line, "bad value");
  }
  std::string_view ts_text = line.substr(sp + 1);
  int64_t t = 0;
  auto [ptr, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), t);
  if (ec != std::errc() || ptr != ts_text.data() + ts_text.size()) {
    return LineError(line_no, line, "bad timestamp");
  }
  std::sort(labels.begin(), labels.end());
  out[std::move(labels)].push_back(Sample{t, v});
  return absl::OkStatus();
}

absl::Status LinkTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("mkdir ", to.string(), ": ", ec.message()));
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec)) {
    fs::path dst = to / e.path().filename();
    if (e.is_directory()) {
      CHARON_RETURN_IF_ERROR(LinkTree(e.path(), dst));
      continue;
    }
    fs::create_hard_link(e.path(), dst, ec);
    if (ec) fs::copy_file(e.path(), dst, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("copy ", e.path().string(), ": ", ec.message()));
    }
  }
  if (ec)
    return absl::UnavailableError(absl::StrCat("listing ", from.string(), ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace

bool Sample::operator==(const Sample& o) const {
  if (t != o.t) return false;
  if (std::isnan(v) || std::isnan(o.v)) return std::isnan(v) && std::isnan(o.v);
  return v == o.v;
}

int64_t CountSamples(const SeriesSamples& series) {
  int64_t n = 0;
  for (const auto& [labels, samples] : series) n += static_cast<int64_t>(samples.size());
  return n;
}

absl::StatusOr<SeriesSamples> ParsePromtoolDump(std::string_view text) {
  SeriesSamples out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    CHARON_RETURN_IF_ERROR(ParseLine(line, line_no, out));
  }
  for (auto& [labels, samples] : out) {
    std::stable_sort(samples.begin(), samples.end(),
                     [](const Sample& a, const Sample& b) { return a.t < b.t; });
  }
  return out;
}

std::string PromtoolBinary() {
  const char* env = std::getenv("CHARON_PROMTOOL");
  return env != nullptr && *env != '\0' ? env : "promtool";
}

absl::StatusOr<SeriesSamples> DumpBlocks(const std::vector<std::string>& block_dirs,
                                         const DumpOptions& options) {
  CHARON_ASSIGN_OR_RETURN(TempDir scratch, TempDir::Create("charon-dump"));
  for (const std::string& dir : block_dirs) {
    fs::path src(dir);
    if (src.filename().empty()) src = src.parent_path();
    CHARON_RETURN_IF_ERROR(LinkTree(src, fs::path(scratch.path()) / src.filename()));
  }
  std::error_code ec;
  fs::create_directories(scratch.Path("wal"), ec);
  std::vector<std::string> argv = {PromtoolBinary(), "tsdb", "dump",
                                   absl::StrCat("--min-time=", options.min_time),
                                   absl::StrCat("--max-time=", options.max_time)};
  if (!options.match.empty()) argv.push_back(absl::StrCat("--match=", options.match));
  argv.push_back(scratch.path());
  CHARON_ASSIGN_OR_RETURN(CommandResult r, RunCommand(argv));
  if (r.exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("promtool tsdb dump exited with ", r.exit_code, ": ", r.stderr_text));
  }
  return ParsePromtoolDump(r.stdout_text);
}

}  // namespace charon::testing
