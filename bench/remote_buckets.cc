#include "bench/remote_buckets.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/ulid.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"

namespace charon::bench {
namespace {

namespace fs = std::filesystem;

// The objects of block `dir` as copy `copy_ulid`: every file under it, meta.json rewritten.
absl::StatusOr<std::map<std::string, std::string>> CopyObjects(const fs::path& dir,
                                                               const std::string& copy_ulid) {
  std::map<std::string, std::string> objects;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), dir).generic_string();
    CHARON_ASSIGN_OR_RETURN(std::string data, testing::ReadFile(entry.path().string()));
    if (rel == "meta.json") {
      nlohmann::json meta = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
      if (meta.is_discarded() || !meta.is_object()) {
        return absl::DataLossError(absl::StrCat(entry.path().string(), ": not a JSON object"));
      }
      meta["ulid"] = copy_ulid;
      meta["compaction"]["sources"] = nlohmann::json::array({copy_ulid});
      data = meta.dump(2);
    }
    objects[absl::StrCat(copy_ulid, "/", rel)] = std::move(data);
  }
  if (ec) return absl::UnavailableError(absl::StrCat("listing ", dir.string(), ": ", ec.message()));
  return objects;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RemoteBuckets>> RemoteBuckets::Start(
    const std::string& blocks_dir, const std::vector<int>& block_counts) {
  std::vector<fs::path> blocks;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(blocks_dir, ec)) {
    if (entry.is_directory() && base::Ulid::Parse(entry.path().filename().string()).ok()) {
      blocks.push_back(entry.path());
    }
  }
  if (ec || blocks.empty()) {
    return absl::NotFoundError(absl::StrCat("no blocks in ", blocks_dir));
  }
  std::sort(blocks.begin(), blocks.end());
  std::unique_ptr<RemoteBuckets> r(new RemoteBuckets());
  CHARON_ASSIGN_OR_RETURN(r->s3_, testing::S3Server::Start());
  CHARON_ASSIGN_OR_RETURN(r->proxy_, testing::FaultProxy::Start(r->s3_->port()));
  for (int count : block_counts) {
    const std::string bucket = absl::StrCat("blocks-", count);
    CHARON_RETURN_IF_ERROR(r->s3_->CreateBucket(bucket));
    for (int i = 0; i < count; ++i) {
      const fs::path& block = blocks[static_cast<size_t>(i) % blocks.size()];
      CHARON_ASSIGN_OR_RETURN(base::Ulid original, base::Ulid::Parse(block.filename().string()));
      const std::string ulid =
          base::Ulid::FromTime(original.TimestampMs(), static_cast<uint64_t>(count) * 100003 + i)
              .ToString();
      CHARON_ASSIGN_OR_RETURN(auto objects, CopyObjects(block, ulid));
      for (const auto& [name, data] : objects)
        r->uploaded_bytes_ += static_cast<int64_t>(data.size());
      CHARON_RETURN_IF_ERROR(r->s3_->PutObjects(bucket, objects));
    }
  }
  return r;
}

std::string RemoteBuckets::ObjstoreYaml(int blocks) const {
  return absl::StrCat("type: S3\nconfig:\n  bucket: blocks-", blocks,
                      "\n  endpoint: ", proxy_->endpoint(),
                      "\n  insecure: true\n  access_key: ", testing::S3Server::kAccessKey,
                      "\n  secret_key: ", testing::S3Server::kSecretKey, "\n");
}

}  // namespace charon::bench
