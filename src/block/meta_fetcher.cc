#include "block/meta_fetcher.h"

#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/annotate.h"
#include "base/logging.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "tsdb/block_meta.h"

namespace charon::block {

using base::Annotate;

struct MetaFetcher::Flight {
  absl::Notification done;
  FetchResult result;
};

namespace {

// The only "modified" reason Thanos registers; the store never removes replica labels, so it
// stays 0 but is exported for dashboards that expect it.
constexpr char kReplicaLabelRemoved[] = "replica-label-removed";

}  // namespace

absl::StatusOr<std::unique_ptr<MetaFetcher>> MetaFetcher::Create(objstore::Bucket& bucket,
                                                                 MetaFetcherOptions options,
                                                                 prometheus::Registry& registry) {
  if (options.concurrency < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("block meta fetch concurrency must be positive, got ", options.concurrency));
  }
  Metrics m;
  // prometheus-cpp reports registration conflicts by exception; they stop here.
  try {
    m.syncs = &prometheus::BuildCounter()
                   .Name("thanos_blocks_meta_syncs_total")
                   .Help("Total blocks metadata synchronization attempts")
                   .Register(registry)
                   .Add({});
    m.sync_failures = &prometheus::BuildCounter()
                           .Name("thanos_blocks_meta_sync_failures_total")
                           .Help("Total blocks metadata synchronization failures")
                           .Register(registry)
                           .Add({});
    m.sync_duration =
        &prometheus::BuildHistogram()
             .Name("thanos_blocks_meta_sync_duration_seconds")
             .Help("Duration of the blocks metadata synchronization in seconds")
             .Register(registry)
             .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 1, 10, 100, 300, 600, 1000});
    auto& synced = prometheus::BuildGauge()
                       .Name("thanos_blocks_meta_synced")
                       .Help("Number of block metadata synced")
                       .Register(registry);
    for (std::string_view state : kAllSyncedStates) {
      m.synced.emplace(std::string(state), &synced.Add({{"state", std::string(state)}}));
    }
    m.modified_replica_label_removed = &prometheus::BuildGauge()
                                            .Name("thanos_blocks_meta_modified")
                                            .Help("Number of blocks whose metadata changed")
                                            .Register(registry)
                                            .Add({{"modified", kReplicaLabelRemoved}});
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("registering meta fetcher metrics: ", e.what()));
  }
  return std::unique_ptr<MetaFetcher>(new MetaFetcher(bucket, std::move(options), std::move(m)));
}

MetaFetcher::MetaFetcher(objstore::Bucket& bucket, MetaFetcherOptions options, Metrics metrics)
    : bucket_(bucket),
      options_(std::move(options)),
      disk_cache_(options_.data_dir.empty()
                      ? nullptr
                      : std::make_unique<MetaDiskCache>(options_.data_dir + "/meta-syncer")),
      metrics_(std::move(metrics)) {}

FetchResult MetaFetcher::Fetch() {
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&mu_);
    if (flight_ == nullptr) {
      flight_ = std::make_shared<Flight>();
      leader = true;
    }
    flight = flight_;
  }
  if (!leader) {
    flight->done.WaitForNotification();
    return flight->result;
  }
  flight->result = FetchUncoalesced();
  {
    absl::MutexLock lock(&mu_);
    flight_ = nullptr;
  }
  flight->done.Notify();
  return flight->result;
}

absl::StatusOr<std::vector<base::Ulid>> MetaFetcher::ListBlocks() {
  std::set<base::Ulid> ids;
  CHARON_RETURN_IF_ERROR(bucket_.Iter("", [&](std::string_view name) {
    if (!name.empty() && name.back() == '/') name.remove_suffix(1);
    size_t slash = name.rfind('/');
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    if (absl::StatusOr<base::Ulid> id = base::Ulid::Parse(name); id.ok()) ids.insert(*id);
    return absl::OkStatus();
  }));
  return std::vector<base::Ulid>(ids.begin(), ids.end());
}

MetaFetcher::Load MetaFetcher::LoadMeta(const base::Ulid& id) {
  {
    absl::MutexLock lock(&mu_);
    if (auto it = cached_.find(id); it != cached_.end()) {
      return Load{LoadState::kLoaded, it->second, absl::OkStatus()};
    }
  }
  if (disk_cache_ != nullptr) {
    absl::StatusOr<tsdb::BlockMeta> cached = disk_cache_->Read(id);
    if (cached.ok() && cached->ulid != id) {
      cached =
          absl::DataLossError(absl::StrCat("local copy names block ", cached->ulid.ToString()));
    }
    if (cached.ok()) {
      return Load{LoadState::kLoaded, std::make_shared<const tsdb::BlockMeta>(*std::move(cached)),
                  absl::OkStatus()};
    }
    if (!absl::IsNotFound(cached.status())) {
      base::LogWarn(
          "best effort read of the local meta.json failed; removing it and fetching from the "
          "bucket",
          {{"block", id.ToString()}, {"err", cached.status()}});
      if (absl::Status s = disk_cache_->Remove(id); !s.ok()) {
        base::LogWarn("removing the local meta.json failed",
                      {{"block", id.ToString()}, {"err", s}});
      }
    }
  }

  const std::string name = absl::StrCat(id.ToString(), "/meta.json");
  absl::StatusOr<std::string> json = bucket_.Get(name);
  if (absl::IsNotFound(json.status())) {
    return Load{LoadState::kNoMeta, nullptr, Annotate(json.status(), "meta.json not found")};
  }
  if (!json.ok()) return Load{LoadState::kFailed, nullptr, Annotate(json.status(), name)};
  absl::StatusOr<tsdb::BlockMeta> meta = tsdb::ParseBlockMeta(*json);
  if (!meta.ok()) {
    return Load{
        LoadState::kCorrupted, nullptr,
        absl::DataLossError(absl::StrCat("corrupted ", name, ": ", meta.status().message()))};
  }
  // A meta.json naming another block would hide that block's data under this one's directory
  // (or serve this block's data under the other's external labels): the copy is corrupt.
  if (meta->ulid != id) {
    base::LogWarn("rejecting meta.json whose ulid differs from its block directory",
                  {{"block", id.ToString()}, {"meta_ulid", meta->ulid.ToString()}});
    return Load{
        LoadState::kCorrupted, nullptr,
        absl::DataLossError(absl::StrCat("corrupted ", name, ": ulid ", meta->ulid.ToString(),
                                         " differs from block ", id.ToString()))};
  }
  if (meta->version != 1) {
    return Load{LoadState::kFailed, nullptr,
                absl::FailedPreconditionError(
                    absl::StrCat("unexpected meta file: ", name, " version: ", meta->version))};
  }
  if (disk_cache_ != nullptr) {
    if (absl::Status s = disk_cache_->Write(id, *meta); !s.ok()) {
      base::LogWarn("best effort save of the meta.json to the local dir failed",
                    {{"block", id.ToString()}, {"err", s}});
    }
  }
  return Load{LoadState::kLoaded, std::make_shared<const tsdb::BlockMeta>(*std::move(meta)),
              absl::OkStatus()};
}

FetchResult MetaFetcher::FetchUncoalesced() {
  const absl::Time start = options_.clock();
  metrics_.syncs->Increment();
  FetchResult result;
  auto finish = [&]() -> FetchResult {
    metrics_.sync_duration->Observe(absl::ToDoubleSeconds(options_.clock() - start));
    if (!result.err.ok()) metrics_.sync_failures->Increment();
    return std::move(result);
  };

  absl::StatusOr<std::vector<base::Ulid>> ids = ListBlocks();
  if (!ids.ok()) {
    result.err = Annotate(ids.status(), "listing blocks");
    return finish();
  }

  std::vector<Load> loads(ids->size());
  // LoadMeta reports through `loads`, so every worker succeeds and every block is tried.
  (void)base::ParallelFor(ids->size(), options_.concurrency, [&](size_t i) {
    loads[i] = LoadMeta((*ids)[i]);
    return absl::OkStatus();
  });

  MetaMap loaded;
  SyncedCounts synced;
  int64_t failed = 0;
  absl::Status first_failure;
  for (size_t i = 0; i < ids->size(); ++i) {
    const base::Ulid& id = (*ids)[i];
    Load& load = loads[i];
    switch (load.state) {
      case LoadState::kLoaded:
        loaded.emplace(id, std::move(load.meta));
        continue;
      case LoadState::kNoMeta:
        synced.Add(kNoMetaState);
        break;
      case LoadState::kCorrupted:
        synced.Add(kCorruptedMetaState);
        break;
      case LoadState::kFailed:
        synced.Add(kFailedState);
        if (failed++ == 0) first_failure = Annotate(load.status, id.ToString());
        break;
    }
    result.partial.emplace(id, std::move(load.status));
  }

  if (failed == 0) {
    {
      absl::MutexLock lock(&mu_);
      cached_ = loaded;
    }
    if (disk_cache_ != nullptr) {
      std::set<base::Ulid> keep;
      for (const auto& [id, meta] : loaded) keep.insert(id);
      if (absl::Status s = disk_cache_->RemoveAllExcept(keep); !s.ok()) {
        base::LogWarn("best effort cleanup of local meta.json copies failed", {{"err", s}});
      }
    }
  }

  for (const std::shared_ptr<MetaFilter>& filter : options_.filters) {
    if (absl::Status s = filter->Filter(loaded, synced); !s.ok()) {
      result = FetchResult{};
      result.err = Annotate(s, "filter metas");
      return finish();
    }
  }
  synced.Set(kLoadedState, static_cast<int64_t>(loaded.size()));
  PublishSynced(synced);

  result.metas = std::move(loaded);
  result.synced = std::move(synced);
  if (failed > 0) {
    result.err =
        Annotate(first_failure, absl::StrCat("incomplete view: ", failed, " of ", ids->size(),
                                             " block metas failed to load; first"));
  }
  return finish();
}

void MetaFetcher::PublishSynced(const SyncedCounts& synced) {
  // Every state is written on every fetch, absent ones as 0, so no count outlives the fetch that
  // produced it. prometheus-cpp offers no batch update: a scrape racing this loop can see some
  // states from this fetch and others from the previous one.
  for (const auto& [state, gauge] : metrics_.synced) {
    gauge->Set(static_cast<double>(synced.Get(state)));
  }
  metrics_.modified_replica_label_removed->Set(0);
}

}  // namespace charon::block
