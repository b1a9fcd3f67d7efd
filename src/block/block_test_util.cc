#include "block/block_test_util.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "objstore/filesystem_bucket.h"

namespace charon::block::testutil {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "test helper: %s\n", what.c_str());
  std::abort();
}

}  // namespace

charon::testing::TempDir NewTempDir() {
  absl::StatusOr<charon::testing::TempDir> dir = charon::testing::TempDir::Create("charon-block");
  if (!dir.ok()) Die(dir.status().ToString());
  return *std::move(dir);
}

void MustWriteFile(const std::string& path, std::string_view contents) {
  if (absl::Status s = charon::testing::WriteFile(path, contents); !s.ok()) Die(s.ToString());
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::unique_ptr<objstore::Bucket> NewBucket(const std::string& root) {
  absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> b =
      objstore::FilesystemBucket::Open(root);
  if (!b.ok()) Die(b.status().ToString());
  return *std::move(b);
}

absl::StatusOr<std::string> GetCountingBucket::Get(std::string_view name) {
  {
    absl::MutexLock lock(&mu_);
    ++gets_[std::string(name)];
  }
  return BucketWrapper::Get(name);
}

int64_t GetCountingBucket::Gets(std::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = gets_.find(name);
  return it == gets_.end() ? 0 : it->second;
}

int64_t GetCountingBucket::TotalGets() const {
  absl::MutexLock lock(&mu_);
  int64_t n = 0;
  for (const auto& [name, count] : gets_) n += count;
  return n;
}

void GetCountingBucket::Reset() {
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
