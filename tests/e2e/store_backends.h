// StoreBackends: the same block bucket served through every object store Charon reads, for tests
// that must get identical answers from each: the directory itself (FILESYSTEM), a copy uploaded to
// an S3 server (s3rver) and to Azure Blob (azurite), and the same with the caching bucket in front
// (IN-MEMORY, and MEMCACHED on a real memcached), and with the index cache on a real memcached and
// on a real redis-server.
//
// Each backend is a name plus the `--objstore.config` / `--store.caching-bucket.config` /
// `--index-cache.config` YAML that `charon store` takes. The emulators, memcached and redis run as
// child processes until the object dies.
// Used from one thread.
#ifndef CHARON_TESTS_E2E_STORE_BACKENDS_H_
#define CHARON_TESTS_E2E_STORE_BACKENDS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "testing/azurite_server.h"
#include "testing/memcached_server.h"
#include "testing/redis_server.h"
#include "testing/s3_server.h"

namespace charon::e2e {

struct StoreBackend {
  std::string name;              // "filesystem", "s3", "azure", "s3+memcached", ...
  std::string objstore_yaml;     // --objstore.config
  std::string caching_yaml;      // --store.caching-bucket.config; "" for none
  std::string index_cache_yaml;  // --index-cache.config; "" for the default (in memory)
};

class StoreBackends {
 public:
  // Uploads every file under `bucket_dir` to a fresh S3 bucket and Azure container and starts
  // memcached (one for the caching bucket, one for the index cache) and redis. Errors of the
  // servers or uploads as they come (NotFound when an emulator is not installed).
  static absl::StatusOr<std::unique_ptr<StoreBackends>> Start(const std::string& bucket_dir);

  // filesystem, s3, azure, filesystem+inmemory, s3+memcached, filesystem+memcached-index,
  // filesystem+redis-index. (Cache keys name objects, not buckets, as Thanos' do: two buckets
  // sharing one memcached would answer each other's reads.)
  const std::vector<StoreBackend>& backends() const { return backends_; }
  const StoreBackend& Get(const std::string& name) const;
  testing::MemcachedServer& memcached() { return *memcached_; }

  // Caching-bucket YAML on this memcached / an in-memory cache.
  std::string MemcachedCachingYaml() const;
  static std::string InMemoryCachingYaml();

 private:
  StoreBackends() = default;

  std::unique_ptr<testing::S3Server> s3_;
  std::unique_ptr<testing::AzuriteServer> azurite_;
  std::unique_ptr<testing::MemcachedServer> memcached_;
  std::unique_ptr<testing::MemcachedServer> index_memcached_;
  std::unique_ptr<testing::RedisServer> index_redis_;
  std::vector<StoreBackend> backends_;
};

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_STORE_BACKENDS_H_
