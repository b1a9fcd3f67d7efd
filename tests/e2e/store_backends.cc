#include "e2e/store_backends.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace charon::e2e {
namespace {

constexpr char kBucket[] = "blocks";

absl::StatusOr<std::map<std::string, std::string>> ReadTree(const std::string& root) {
  std::map<std::string, std::string> objects;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream data;
    data << in.rdbuf();
    if (!in.good() && !in.eof()) return absl::UnavailableError("reading " + it->path().string());
    objects[std::filesystem::relative(it->path(), root).generic_string()] = data.str();
  }
  if (ec) return absl::UnavailableError(absl::StrCat("listing ", root, ": ", ec.message()));
  return objects;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StoreBackends>> StoreBackends::Start(const std::string& bucket_dir) {
  std::unique_ptr<StoreBackends> b(new StoreBackends());
  CHARON_ASSIGN_OR_RETURN(auto objects, ReadTree(bucket_dir));

  CHARON_ASSIGN_OR_RETURN(b->s3_, testing::S3Server::Start());
  CHARON_RETURN_IF_ERROR(b->s3_->CreateBucket(kBucket));
  CHARON_RETURN_IF_ERROR(b->s3_->PutObjects(kBucket, objects));

  CHARON_ASSIGN_OR_RETURN(b->azurite_, testing::AzuriteServer::Start());
  CHARON_RETURN_IF_ERROR(b->azurite_->CreateContainer(kBucket));
  for (const auto& [name, data] : objects) {
    CHARON_RETURN_IF_ERROR(b->azurite_->PutBlob(kBucket, name, data));
  }
  CHARON_ASSIGN_OR_RETURN(b->memcached_, testing::MemcachedServer::Start());
  CHARON_ASSIGN_OR_RETURN(b->index_memcached_, testing::MemcachedServer::Start());
  CHARON_ASSIGN_OR_RETURN(b->index_redis_, testing::RedisServer::Start());

  const std::string fs = absl::StrCat("type: FILESYSTEM\nconfig:\n  directory: ", bucket_dir, "\n");
  const std::string s3 = absl::StrCat(
      "type: S3\nconfig:\n  bucket: ", kBucket, "\n  endpoint: ", b->s3_->endpoint(),
      "\n  insecure: true\n  bucket_lookup_type: path\n  access_key: ",
      testing::S3Server::kAccessKey, "\n  secret_key: ", testing::S3Server::kSecretKey, "\n");
  const std::string azure =
      absl::StrCat("type: AZURE\nconfig:\n  storage_account: ", testing::AzuriteServer::kAccount,
                   "\n  container: ", kBucket, "\n  storage_connection_string: \"",
                   b->azurite_->ConnectionString(), "\"\n");
  b->backends_ = {
      {"filesystem", fs, "", ""},
      {"s3", s3, "", ""},
      {"azure", azure, "", ""},
      {"filesystem+inmemory", fs, InMemoryCachingYaml(), ""},
      {"s3+memcached", s3, b->MemcachedCachingYaml(), ""},
      {"filesystem+memcached-index", fs, "",
       absl::StrCat("type: MEMCACHED\nconfig:\n  addresses: [\"", b->index_memcached_->address(),
                    "\"]\n")},
      {"filesystem+redis-index", fs, "",
       absl::StrCat("type: REDIS\nconfig:\n  addr: \"", b->index_redis_->address(), "\"\n")},
  };
  return b;
}

const StoreBackend& StoreBackends::Get(const std::string& name) const {
  for (const StoreBackend& b : backends_) {
    if (b.name == name) return b;
  }
  return backends_.front();
}

std::string StoreBackends::MemcachedCachingYaml() const {
  return absl::StrCat("type: MEMCACHED\nconfig:\n  addresses: [\"", memcached_->address(),
                      "\"]\n  timeout: 500ms\n");
}

std::string StoreBackends::InMemoryCachingYaml() {
  return "type: IN-MEMORY\nconfig:\n  max_size: 256MiB\n  max_item_size: 16MiB\n";
}

}  // namespace charon::e2e
