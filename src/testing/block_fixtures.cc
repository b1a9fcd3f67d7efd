#include "testing/block_fixtures.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/ulid.h"
#include "nlohmann/json.hpp"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace charon::testing {
namespace {

namespace fs = std::filesystem;

// Bumped when the way blocks are produced changes, so stale cache entries are not reused.
constexpr std::string_view kCacheVersion = "charon-fixture-v1";

bool ValidLabelName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool ValidMetricName(std::string_view n) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::string_view NameOf(const tsdb::Labels& ls) {
  for (const tsdb::Label& l : ls) {
    if (l.name == "__name__") return l.value;
  }
  return "";
}

// For error messages only; quoting is approximate.
std::string Describe(const tsdb::Labels& ls) {
  std::string out = "{";
  for (const tsdb::Label& l : ls)
    absl::StrAppend(&out, out.size() > 1 ? ", " : "", l.name, "=\"", l.value, "\"");
  return out + "}";
}

tsdb::Labels DropEmpty(const tsdb::Labels& ls) {
  tsdb::Labels out;
  for (const tsdb::Label& l : ls) {
    if (!l.value.empty()) out.push_back(l);
  }
  return out;
}

// OpenMetrics escapes exactly these three in label values.
void AppendEscaped(std::string_view v, std::string& out) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void AppendValue(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, res.ptr);
  }
}

// Seconds with three decimals: promtool multiplies by 1000 and truncates.
void AppendTimestamp(int64_t t_ms, std::string& out) {
  uint64_t abs = t_ms < 0 ? 0 - static_cast<uint64_t>(t_ms) : static_cast<uint64_t>(t_ms);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%s%llu.%03llu", t_ms < 0 ? "-" : "",
                static_cast<unsigned long long>(abs / 1000),
                static_cast<unsigned long long>(abs % 1000));
  out += buf;
}

std::string_view TypeName(MetricType t) {
  switch (t) {
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kCounter:
      return "counter";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string CacheKey(std::string_view text) {
  uint64_t fnv = 1469598103934665603ULL;
  auto mix = [&fnv](std::string_view s) {
    for (unsigned char c : s) {
      fnv ^= c;
      fnv *= 1099511628211ULL;
    }
  };
  mix(kCacheVersion);
  mix(PromtoolBinary());
  mix(text);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%016llx%08x%llx", static_cast<unsigned long long>(fnv),
                base::Crc32c(text), static_cast<unsigned long long>(text.size()));
  return buf;
}

// Block directories (ULID names) directly under `dir`, sorted.
absl::StatusOr<std::vector<std::string>> ListBlocks(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_directory() && base::Ulid::Parse(name).ok()) names.push_back(name);
  }
  if (ec) return absl::UnavailableError(absl::StrCat("listing ", dir.string(), ": ", ec.message()));
  std::sort(names.begin(), names.end());
  return names;
}

// Runs promtool into a private directory and publishes it as cache/<key> with one rename, so
// concurrent test processes either win the rename or use the winner's blocks.
absl::Status GenerateIntoCache(const std::string& text, const fs::path& entry) {
  std::error_code ec;
  fs::create_directories(entry.parent_path(), ec);
  if (ec) return absl::UnavailableError(absl::StrCat("mkdir ", entry.parent_path().string()));
  std::random_device rd;
  fs::path tmp =
      entry.parent_path() / absl::StrCat(entry.filename().string(), ".tmp-", getpid(), "-", rd());
  fs::path input = tmp.string() + ".om";
  CHARON_RETURN_IF_ERROR(WriteFile(input.string(), text));
  fs::create_directories(tmp, ec);
  absl::StatusOr<CommandResult> r = RunCommand({PromtoolBinary(), "tsdb", "create-blocks-from",
                                                "openmetrics", "-q", input.string(), tmp.string()});
  fs::remove(input, ec);
  absl::Status status;
  if (!r.ok()) {
    status = r.status();
  } else if (r->exit_code != 0) {
    status =
        absl::UnavailableError(absl::StrCat("promtool create-blocks-from exited with ",
                                            r->exit_code, ": ", r->stderr_text, r->stdout_text));
  } else if (std::rename(tmp.c_str(), entry.c_str()) != 0 && errno != ENOTEMPTY &&
             errno != EEXIST) {
    status = absl::UnavailableError(absl::StrCat("rename to ", entry.string()));
  }
  fs::remove_all(tmp, ec);
  return status;
}

absl::Status WriteThanosMeta(const fs::path& block, const ThanosMetaOptions& opts) {
  std::error_code ec;
  fs::remove(block / "tombstones", ec);
  std::string meta_path = (block / "meta.json").string();
  CHARON_ASSIGN_OR_RETURN(std::string text, ReadFile(meta_path));
  nlohmann::json meta = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded()) return absl::DataLossError(absl::StrCat("bad JSON in ", meta_path));
  nlohmann::json files = nlohmann::json::array();
  std::vector<fs::path> paths;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(block, ec)) {
    if (e.is_regular_file()) paths.push_back(fs::relative(e.path(), block));
  }
  std::sort(paths.begin(), paths.end());
  for (const fs::path& p : paths) {
    nlohmann::json f = {{"rel_path", p.generic_string()}};
    // Thanos lists meta.json without a size: it changes when this very section is written.
    if (p != "meta.json") f["size_bytes"] = fs::file_size(block / p, ec);
    files.push_back(std::move(f));
  }
  meta["thanos"] = {{"version", 1},
                    {"labels", opts.external_labels},
                    {"downsample", {{"resolution", opts.downsample_resolution_ms}}},
                    {"source", opts.source},
                    {"files", std::move(files)}};
  return WriteFile(meta_path, meta.dump(1, '\t') + "\n");
}

}  // namespace

BlockBuilder& BlockBuilder::DeclareFamily(std::string name, MetricType type) {
  if (!ValidMetricName(name) && status_.ok()) {
    status_ = absl::InvalidArgumentError(absl::StrCat("bad family name ", name));
  }
  families_[std::move(name)] = type;
  return *this;
}

BlockBuilder& BlockBuilder::AddSeries(tsdb::Labels labels, std::vector<Sample> samples) {
  std::sort(labels.begin(), labels.end());
  for (size_t i = 0; i < labels.size() && status_.ok(); ++i) {
    const tsdb::Label& l = labels[i];
    if (!ValidLabelName(l.name) || (i > 0 && labels[i - 1].name == l.name)) {
      status_ =
          absl::InvalidArgumentError(absl::StrCat("bad or repeated label name '", l.name, "'"));
    } else if (!ValidUtf8(l.value)) {
      status_ = absl::InvalidArgumentError(absl::StrCat("label ", l.name, " is not UTF-8"));
    }
  }
  if (status_.ok() && !ValidMetricName(NameOf(labels))) {
    status_ = absl::InvalidArgumentError("series without a valid __name__");
  }
  std::vector<Sample>& dst = series_[std::move(labels)];
  dst.insert(dst.end(), samples.begin(), samples.end());
  std::sort(dst.begin(), dst.end(), [](const Sample& a, const Sample& b) { return a.t < b.t; });
  for (size_t i = 1; i < dst.size() && status_.ok(); ++i) {
    if (dst[i].t == dst[i - 1].t) {
      status_ = absl::InvalidArgumentError(absl::StrCat("duplicate timestamp ", dst[i].t));
    }
  }
  return *this;
}

BlockBuilder& BlockBuilder::AddRegularSeries(tsdb::Labels labels, int64_t start_ms, int64_t step_ms,
                                             int count, std::function<double(int)> value) {
  std::vector<Sample> samples;
  samples.reserve(static_cast<size_t>(std::max(count, 0)));
  for (int i = 0; i < count; ++i) {
    samples.push_back(Sample{start_ms + i * step_ms, value ? value(i) : static_cast<double>(i)});
  }
  return AddSeries(std::move(labels), std::move(samples));
}

BlockBuilder& BlockBuilder::AddHistogram(std::string_view name, tsdb::Labels labels,
                                         const std::vector<double>& bounds, int64_t start_ms,
                                         int64_t step_ms, int count) {
  std::string base(name);
  DeclareFamily(base, MetricType::kHistogram);
  auto with = [&labels](std::string metric, std::optional<std::string> le) {
    tsdb::Labels ls = labels;
    ls.push_back({"__name__", std::move(metric)});
    if (le) ls.push_back({"le", *le});
    return ls;
  };
  // Observation k (of i so far) falls in bucket k % nb, so bucket b counts
  // (i / nb) * (b + 1) + min(i % nb, b + 1) and the +Inf bucket equals _count.
  const int nb = static_cast<int>(bounds.size()) + 1;
  for (int b = 0; b < nb; ++b) {
    std::string le;
    if (b < nb - 1) {
      AppendValue(bounds[static_cast<size_t>(b)], le);
    } else {
      le = "+Inf";
    }
    AddRegularSeries(with(base + "_bucket", le), start_ms, step_ms, count, [nb, b](int i) {
      return static_cast<double>((i / nb) * (b + 1) + std::min(i % nb, b + 1));
    });
  }
  AddRegularSeries(with(base + "_count", std::nullopt), start_ms, step_ms, count,
                   [](int i) { return static_cast<double>(i); });
  AddRegularSeries(with(base + "_sum", std::nullopt), start_ms, step_ms, count,
                   [](int i) { return 0.25 * i; });
  return *this;
}

BlockBuilder& BlockBuilder::SetThanosMeta(ThanosMetaOptions meta) {
  thanos_ = std::move(meta);
  return *this;
}

absl::StatusOr<std::string> BlockBuilder::FamilyOf(const std::string& metric_name) const {
  auto declared = families_.find(metric_name);
  if (declared != families_.end()) {
    if (declared->second == MetricType::kGauge || declared->second == MetricType::kUnknown) {
      return metric_name;
    }
    return absl::InvalidArgumentError(absl::StrCat(metric_name, " needs a suffix for its type ",
                                                   base::Absl(TypeName(declared->second))));
  }
  static const std::vector<std::pair<std::string_view, MetricType>> kSuffixes = {
      {"_total", MetricType::kCounter},    {"_created", MetricType::kCounter},
      {"_bucket", MetricType::kHistogram}, {"_sum", MetricType::kHistogram},
      {"_count", MetricType::kHistogram},  {"_created", MetricType::kHistogram}};
  for (const auto& [suffix, type] : kSuffixes) {
    if (!metric_name.ends_with(suffix)) continue;
    std::string base = metric_name.substr(0, metric_name.size() - suffix.size());
    auto it = families_.find(base);
    if (it != families_.end() && it->second == type) return base;
  }
  return metric_name;
}

absl::StatusOr<std::string> BlockBuilder::OpenMetricsText() const {
  CHARON_RETURN_IF_ERROR(status_);
  std::map<tsdb::Labels, const tsdb::Labels*> stored;
  for (const auto& [labels, samples] : series_) {
    auto [it, inserted] = stored.emplace(DropEmpty(labels), &labels);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(labels), " and ", Describe(*it->second),
                       " differ only in empty label values and would merge"));
    }
  }
  // family -> series of that family, in label order.
  std::map<std::string, std::vector<const SeriesSamples::value_type*>> by_family;
  for (const auto& entry : series_) {
    CHARON_ASSIGN_OR_RETURN(std::string family, FamilyOf(std::string(NameOf(entry.first))));
    by_family[family].push_back(&entry);
  }
  std::string out;
  for (const auto& [family, members] : by_family) {
    auto declared = families_.find(family);
    MetricType type = declared == families_.end() ? MetricType::kGauge : declared->second;
    absl::StrAppend(&out, "# TYPE ", family, " ", base::Absl(TypeName(type)), "\n");
    for (const SeriesSamples::value_type* entry : members) {
      std::string prefix(NameOf(entry->first));
      bool first = true;
      for (const tsdb::Label& l : entry->first) {
        if (l.name == "__name__") continue;
        absl::StrAppend(&prefix, first ? "{" : ",", l.name, "=\"");
        AppendEscaped(l.value, prefix);
        prefix += '"';
        first = false;
      }
      if (!first) prefix += '}';
      for (const Sample& s : entry->second) {
        out += prefix;
        out += ' ';
        AppendValue(s.v, out);
        out += ' ';
        AppendTimestamp(s.t, out);
        out += '\n';
      }
    }
  }
  out += "# EOF\n";
  return out;
}

SeriesSamples BlockBuilder::Expected() const {
  SeriesSamples out;
  for (const auto& [labels, samples] : series_) {
    if (!samples.empty()) out[DropEmpty(labels)] = samples;
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> BlockBuilder::WriteBlocks(
    const std::string& out_dir) const {
  CHARON_ASSIGN_OR_RETURN(std::string text, OpenMetricsText());
  fs::path entry = fs::path(FixtureCacheDir()) / CacheKey(text);
  std::error_code ec;
  if (!fs::is_directory(entry, ec)) CHARON_RETURN_IF_ERROR(GenerateIntoCache(text, entry));
  CHARON_ASSIGN_OR_RETURN(std::vector<std::string> names, ListBlocks(entry));
  fs::create_directories(out_dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("mkdir ", out_dir, ": ", ec.message()));
  std::vector<std::string> dirs;
  for (const std::string& name : names) {
    fs::path dst = fs::path(out_dir) / name;
    fs::copy(entry / name, dst, fs::copy_options::recursive | fs::copy_options::overwrite_existing,
             ec);
    if (ec)
      return absl::UnavailableError(absl::StrCat("copy to ", dst.string(), ": ", ec.message()));
    if (thanos_) CHARON_RETURN_IF_ERROR(WriteThanosMeta(dst, *thanos_));
    dirs.push_back(dst.string());
  }
  return dirs;
}

std::string FixtureCacheDir() {
  const char* cache = std::getenv("CHARON_FIXTURE_CACHE");
  if (cache != nullptr && *cache != '\0') return cache;
  const char* bin = std::getenv("CHARON_BINARY_DIR");
  if (bin != nullptr && *bin != '\0') return absl::StrCat(bin, "/fixture-cache");
  const char* tmp = std::getenv("TMPDIR");
  return absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/charon-fixture-cache");
}

}  // namespace charon::testing
