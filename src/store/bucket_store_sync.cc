// The block set's sync: loading new blocks, dropping vanished ones, cleaning the data dir.
#include <filesystem>
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "base/parallel.h"
#include "store/bucket_store.h"

namespace charon::store {
namespace {

double Seconds(absl::Time since) { return absl::ToDoubleSeconds(absl::Now() - since); }

}  // namespace

absl::Status BucketStore::LoadBlock(std::shared_ptr<const tsdb::BlockMeta> meta) {
  absl::Time start = absl::Now();
  metrics_.block_loads.Increment();
  auto block = Block::Open(bucket_, meta, options_.load);
  if (!block.ok()) {
    metrics_.block_load_failures.Increment();
    // A failed block must not leave a half-built local directory behind.
    std::error_code ec;
    std::filesystem::remove_all(
        std::filesystem::path(options_.load.data_dir) / meta->ulid.ToString(), ec);
    return block.status();
  }
  metrics_.block_load_duration.Observe(Seconds(start));
  absl::MutexLock lock(&mu_);
  blocks_[meta->ulid] = std::move(block).value();
  metrics_.blocks_loaded.Set(static_cast<double>(blocks_.size()));
  metrics_.blocks_last_loaded_timestamp.Set(absl::ToUnixSeconds(absl::Now()));
  return absl::OkStatus();
}

absl::Status BucketStore::SyncBlocks() {
  absl::MutexLock sync_lock(&sync_mu_);
  MetaView view = metas_();
  std::vector<std::shared_ptr<const tsdb::BlockMeta>> to_load;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, meta] : view.metas) {
      if (!blocks_.contains(id)) to_load.push_back(meta);
    }
  }
  // Single block failures are logged and retried next round; they do not stop the others.
  (void)base::ParallelFor(to_load.size(), options_.block_sync_concurrency, [&](size_t i) {
    absl::Status s = LoadBlock(to_load[i]);
    if (!s.ok() && options_.log) {
      options_.log("warn", "loading block failed",
                   {{"id", to_load[i]->ulid.ToString()}, {"err", std::string(s.message())}});
    }
    return absl::OkStatus();
  });
  if (!view.err.ok()) return view.err;  // incomplete view: drop nothing

  std::vector<std::shared_ptr<const Block>> dropped;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = blocks_.begin(); it != blocks_.end();) {
      if (view.metas.contains(it->first)) {
        ++it;
        continue;
      }
      dropped.push_back(it->second);
      it = blocks_.erase(it);
    }
    metrics_.blocks_loaded.Set(static_cast<double>(blocks_.size()));
  }
  for (const auto& b : dropped) {
    // Queries still reading the block keep the index-header open; removing the file is safe.
    std::error_code ec;
    std::filesystem::remove_all(b->local_dir(), ec);
    if (ec) {
      metrics_.block_drop_failures.Increment();
    } else {
      metrics_.block_drops.Increment();
    }
    if (options_.log) options_.log("info", "dropped outdated block", {{"block", b->id()}});
  }
  return absl::OkStatus();
}

absl::Status BucketStore::InitialSync() {
  absl::Status s = SyncBlocks();
  if (!s.ok() && options_.log) {
    options_.log("warn", "initial sync: bucket view incomplete",
                 {{"err", std::string(s.message())}});
  }
  // Local blocks the bucket no longer has are removed, but only after a complete listing: a block
  // missing from an incomplete one may still be there, and its index-header saves a rebuild.
  if (s.ok()) {
    std::set<std::string> keep;
    for (const auto& b : Blocks()) keep.insert(b->id());
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(options_.load.data_dir, ec)) {
      std::string name = entry.path().filename().string();
      if (!entry.is_directory() || keep.contains(name) || !base::Ulid::Parse(name).ok()) continue;
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  ready_ = true;
  return absl::OkStatus();
}

}  // namespace charon::store
