// Test helpers for the block library: a filesystem bucket in a temp dir, a Get-counting
// decorator, a fake clock and writers of meta.json and deletion-mark.json.
#ifndef CHARON_BLOCK_BLOCK_TEST_UTIL_H_
#define CHARON_BLOCK_BLOCK_TEST_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/ulid.h"
#include "block/meta_filter.h"
#include "objstore/bucket.h"
#include "objstore/bucket_wrapper.h"
#include "testing/temp_dir.h"
#include "tsdb/block_meta.h"

namespace charon::block::testutil {

// A fresh temp dir; aborts the test binary if none can be made.
charon::testing::TempDir NewTempDir();
// Writes `contents` to `path`, creating parent directories; aborts on failure.
void MustWriteFile(const std::string& path, std::string_view contents);
bool FileExists(const std::string& path);

// The real filesystem bucket rooted at `root`; aborts on failure.
std::unique_ptr<objstore::Bucket> NewBucket(const std::string& root);

// Counts Get calls per object name and forwards every call to the wrapped bucket.
class GetCountingBucket final : public objstore::BucketWrapper {
 public:
  explicit GetCountingBucket(objstore::Bucket& inner) : BucketWrapper(&inner) {}

  absl::StatusOr<std::string> Get(std::string_view name) override;

  int64_t Gets(std::string_view name) const;
  int64_t TotalGets() const;
  void Reset();

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, int64_t, std::less<>> gets_ ABSL_GUARDED_BY(mu_);
};

class FakeClock {
 public:
  explicit FakeClock(absl::Time now) : now_(now) {}
  absl::Time Now() const {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  // Reads this clock, which must outlive the returned function.
  Clock AsClock() const {
    return [this] { return Now(); };
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

struct MetaSpec {
  base::Ulid id{};
  int64_t min_time = 0;
  int64_t max_time = 7'200'000;
  int version = 1;
  std::vector<base::Ulid> sources{};  // empty: {id}
  std::map<std::string, std::string> labels{};
  int64_t resolution = 0;
  std::string source = "sidecar";
  std::string upload_time{};  // RFC 3339, empty: absent
};

std::string MetaJson(const MetaSpec& spec);
// The parsed form of MetaJson(spec), for filter tests.
std::shared_ptr<const tsdb::BlockMeta> Meta(const MetaSpec& spec);
std::string DeletionMarkJson(const base::Ulid& id, int64_t deletion_time_s);

}  // namespace charon::block::testutil

#endif  // CHARON_BLOCK_BLOCK_TEST_UTIL_H_
