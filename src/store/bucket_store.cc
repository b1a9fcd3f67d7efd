#include "store/bucket_store.h"

#include <algorithm>
#include <limits>
#include <map>

namespace charon::store {

BucketStore::BucketStore(std::shared_ptr<objstore::Bucket> bucket, MetaSource metas,
                         BucketStoreOptions options, prometheus::Registry& registry)
    : bucket_(std::move(bucket)),
      metas_(std::move(metas)),
      options_(std::move(options)),
      metrics_(registry),
      gate_(options_.series_max_concurrency),
      process_requests_(options_.requests_per_process),
      budget_(options_.chunk_pool_size) {
  metrics_.gate_queries_max.Set(options_.series_max_concurrency);
}

BucketStore::~BucketStore() = default;

QueryIoOptions BucketStore::IoOptions(const std::string& tenant) {
  QueryIoOptions io;
  io.requests_per_query = options_.requests_per_query;
  io.process_requests = &process_requests_;
  io.downloaded_bytes_limit = options_.downloaded_bytes_limit;
  io.on_bytes_limit = [this, tenant] { metrics_.QueryDropped("bytes", tenant); };
  io.budget = &budget_;
  io.index_cache = options_.index_cache.get();
  return io;
}

int64_t BucketStore::MinTimeFlag() const {
  return options_.min_time ? options_.min_time() : std::numeric_limits<int64_t>::min();
}
int64_t BucketStore::MaxTimeFlag() const {
  return options_.max_time ? options_.max_time() : std::numeric_limits<int64_t>::max();
}

std::vector<std::shared_ptr<const Block>> BucketStore::Blocks() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<const Block>> out;
  out.reserve(blocks_.size());
  for (const auto& [id, b] : blocks_) out.push_back(b);
  return out;
}

StoreInfo BucketStore::Info() {
  StoreInfo info;
  std::map<std::string, std::pair<tsdb::Labels, std::vector<std::pair<int64_t, int64_t>>>> sets;
  for (const auto& b : Blocks()) {
    info.min_time = std::min(info.min_time, b->meta().min_time);
    info.max_time = std::max(info.max_time, b->meta().max_time);
    auto& entry = sets[tsdb::LabelsToString(b->external_labels())];
    entry.first = b->external_labels();
    entry.second.push_back({b->meta().min_time, b->meta().max_time});
  }
  if (info.min_time != std::numeric_limits<int64_t>::max()) {
    info.min_time = std::max(info.min_time, MinTimeFlag());
    info.max_time = std::min(info.max_time, MaxTimeFlag());
  }
  for (auto& [key, entry] : sets) {
    if (!entry.first.empty()) info.label_sets.push_back(entry.first);
    auto& ranges = entry.second;
    std::sort(ranges.begin(), ranges.end());
    for (const auto& r : ranges) {
      if (!info.tsdb_infos.empty() && info.tsdb_infos.back().labels == entry.first &&
          r.first <= info.tsdb_infos.back().max_time) {
        info.tsdb_infos.back().max_time = std::max(info.tsdb_infos.back().max_time, r.second);
      } else {
        info.tsdb_infos.push_back({entry.first, r.first, r.second});
      }
    }
  }
  return info;
}

}  // namespace charon::store
