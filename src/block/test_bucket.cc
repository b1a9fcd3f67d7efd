#include "block/test_bucket.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::block::testutil {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "test helper: %s\n", what.c_str());
  std::abort();
}

// Minimal bucket over a directory, enough for the fetcher's reads.
class DirBucket final : public objstore::Bucket {
 public:
  explicit DirBucket(std::string root) : root_(std::move(root)) {}

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view)>& fn,
                    objstore::IterOptions options) override {
    std::string prefix(dir);
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    fs::path base = fs::path(root_) / prefix;
    std::error_code ec;
    if (!fs::is_directory(base, ec)) return absl::OkStatus();
    std::vector<std::string> names;
    if (options.recursive) {
      for (auto it = fs::recursive_directory_iterator(base, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file()) {
          names.push_back(prefix + fs::relative(it->path(), base).string());
        }
      }
    } else {
      for (auto it = fs::directory_iterator(base, ec); !ec && it != fs::directory_iterator();
           it.increment(ec)) {
        std::string n = prefix + it->path().filename().string();
        if (it->is_directory()) n += '/';
        names.push_back(std::move(n));
      }
    }
    if (ec) return absl::UnavailableError(ec.message());
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      if (absl::Status s = fn(n); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Get(std::string_view name) override {
    fs::path p = fs::path(root_) / std::string(name);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      return absl::NotFoundError(absl::StrCat(base::Absl(name), " not found"));
    }
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return absl::UnavailableError(absl::StrCat("reading ", base::Absl(name)));
    return ss.str();
  }

  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override {
    absl::StatusOr<std::string> all = Get(name);
    if (!all.ok()) return all;
    if (offset < 0) return absl::InvalidArgumentError("negative offset");
    size_t off = std::min(all->size(), static_cast<size_t>(offset));
    size_t len = length < 0 ? std::string::npos : static_cast<size_t>(length);
    return all->substr(off, len);
  }

  absl::StatusOr<bool> Exists(std::string_view name) override {
    std::error_code ec;
    return fs::is_regular_file(fs::path(root_) / std::string(name), ec);
  }

  absl::StatusOr<objstore::ObjectAttributes> Attributes(std::string_view name) override {
    absl::StatusOr<std::string> all = Get(name);
    if (!all.ok()) return all.status();
    return objstore::ObjectAttributes{static_cast<int64_t>(all->size()), absl::InfinitePast()};
  }

  std::string Name() const override { return "DIR:" + root_; }

 private:
  std::string root_;
};

}  // namespace

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  if (tmp == nullptr || *tmp == '\0') tmp = std::getenv("TMPDIR");
  std::string tmpl = absl::StrCat((tmp && *tmp) ? tmp : "/tmp", "/charon-block-XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp " + tmpl);
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void WriteFile(const std::string& path, std::string_view contents) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) Die("mkdir for " + path + ": " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) Die("write " + path);
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::unique_ptr<objstore::Bucket> NewDirBucket(const std::string& root) {
  return std::make_unique<DirBucket>(root);
}

absl::StatusOr<std::string> CountingBucket::Get(std::string_view name) {
  {
    absl::MutexLock lock(&mu_);
    ++gets_[std::string(name)];
  }
  return inner_.Get(name);
}

int64_t CountingBucket::Gets(std::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = gets_.find(name);
  return it == gets_.end() ? 0 : it->second;
}

int64_t CountingBucket::TotalGets() const {
  absl::MutexLock lock(&mu_);
  int64_t n = 0;
  for (const auto& [name, count] : gets_) n += count;
  return n;
}

void CountingBucket::Reset() {
  absl::MutexLock lock(&mu_);
  gets_.clear();
}

std::string MetaJson(const MetaSpec& spec) {
  nlohmann::json sources = nlohmann::json::array();
  if (spec.sources.empty()) {
    sources.push_back(spec.id.ToString());
  } else {
    for (const base::Ulid& s : spec.sources) sources.push_back(s.ToString());
  }
  nlohmann::json thanos = {
      {"labels", spec.labels},
      {"downsample", {{"resolution", spec.resolution}}},
      {"source", spec.source},
  };
  if (!spec.upload_time.empty()) thanos["upload_time"] = spec.upload_time;
  nlohmann::json j = {
      {"ulid", spec.id.ToString()},
      {"minTime", spec.min_time},
      {"maxTime", spec.max_time},
      {"stats", {{"numSamples", 10}, {"numSeries", 1}, {"numChunks", 1}}},
      {"compaction", {{"level", spec.sources.size() > 1 ? 2 : 1}, {"sources", sources}}},
      {"version", spec.version},
      {"thanos", thanos},
  };
  return j.dump();
}

std::shared_ptr<const tsdb::BlockMeta> Meta(const MetaSpec& spec) {
  absl::StatusOr<tsdb::BlockMeta> m = tsdb::ParseBlockMeta(MetaJson(spec));
  if (!m.ok()) Die("ParseBlockMeta: " + m.status().ToString());
  return std::make_shared<const tsdb::BlockMeta>(*std::move(m));
}

std::string DeletionMarkJson(const base::Ulid& id, int64_t deletion_time_s) {
  return nlohmann::json{{"id", id.ToString()}, {"version", 1}, {"deletion_time", deletion_time_s}}
      .dump();
}

}  // namespace charon::block::testutil
