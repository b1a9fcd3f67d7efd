#include "cmd/charon/store_runtime.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/logging.h"
#include "base/memory_releaser.h"
#include "base/status_macros.h"
#include "block/consistency_delay_filter.h"
#include "block/deduplicate_filter.h"
#include "block/ignore_deletion_mark_filter.h"
#include "block/label_sharded_filter.h"
#include "block/meta_fetcher.h"
#include "block/relabel_config.h"
#include "block/time_partition_filter.h"
#include "cache/caching_bucket_config.h"
#include "cache/index_cache_config.h"
#include "cmd/charon/data_dir.h"
#include "objstore/bucket_config.h"
#include "objstore/metrics_bucket.h"
#include "prometheus/gauge.h"
#include "server/grpc/grpc_server.h"
#include "store/bucket_store.h"

namespace charon::cmd {
namespace {

std::string SourceName(const PathOrContent& p) {
  return p.path.empty() ? "--" + p.flag_name() : p.path;
}

base::LogLevel ToLevel(std::string_view level) {
  if (level == "debug") return base::LogLevel::kDebug;
  if (level == "warn") return base::LogLevel::kWarn;
  if (level == "error") return base::LogLevel::kError;
  return base::LogLevel::kInfo;
}

// The index cache as Thanos makes it: from --index-cache.config(-file) when given, else in
// memory of --index-cache-size bytes.
absl::StatusOr<std::shared_ptr<cache::IndexCache>> IndexCacheFromFlags(
    const StoreFlags& flags, prometheus::Registry& registry) {
  if (flags.index_cache_config.empty()) {
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<cache::IndexCache> c,
                            cache::NewDefaultIndexCache(flags.index_cache_size_bytes, registry));
    base::LogInfo("index cache in memory", {{"max_size_bytes", flags.index_cache_size_bytes}});
    return std::shared_ptr<cache::IndexCache>(std::move(c));
  }
  CHARON_ASSIGN_OR_RETURN(std::string yaml, flags.index_cache_config.Content());
  const std::string source = SourceName(flags.index_cache_config);
  absl::StatusOr<std::unique_ptr<cache::IndexCache>> c;
  absl::StatusOr<cache::IndexCacheConfig> config = cache::ParseIndexCacheConfig(yaml, source);
  if (config.ok()) {
    c = cache::NewIndexCache(*config, source, registry);
  } else {
    c = config.status();
  }
  if (!c.ok() && !flags.index_cache_config.path.empty()) {
    // The message starts with the file's name; name the flag too.
    return absl::Status(c.status().code(),
                        absl::StrCat("--index-cache.config-file ", c.status().message()));
  }
  if (!c.ok()) return c.status();
  return std::shared_ptr<cache::IndexCache>(std::move(c).value());
}

// Why the store is not ready; the values of charon_store_not_ready's `reason` label.
constexpr const char* kReasonInitialSync = "initial_sync";
constexpr const char* kReasonBucketList = "bucket_list_failed";
constexpr const char* kReasonDataDir = "data_dir_unusable";
constexpr const char* kReasons[] = {kReasonInitialSync, kReasonBucketList, kReasonDataDir};

// How often a store that could not list its bucket or write its data dir tries again, when
// --sync-block-duration is longer: readiness should follow a repaired bucket within seconds.
constexpr absl::Duration kNotReadyRetry = absl::Seconds(5);

}  // namespace

// The engine as gRPC sees it: everything forwarded, but health follows the runtime's readiness,
// not only the engine's.
class ReadinessGatedStore final : public store::StoreApi {
 public:
  ReadinessGatedStore(store::StoreApi& store, std::function<bool()> ready)
      : store_(store), ready_(std::move(ready)) {}
  absl::Status Series(const store::SeriesRequest& req, store::SeriesSink& sink,
                      store::SeriesResult* result) override {
    return store_.Series(req, sink, result);
  }
  absl::StatusOr<store::LabelsResult> LabelNames(const store::LabelNamesRequest& req) override {
    return store_.LabelNames(req);
  }
  absl::StatusOr<store::LabelsResult> LabelValues(const store::LabelValuesRequest& req) override {
    return store_.LabelValues(req);
  }
  store::StoreInfo Info() override { return store_.Info(); }
  bool Ready() const override { return ready_(); }

 private:
  store::StoreApi& store_;
  std::function<bool()> ready_;
};

void LogStoreRecord(std::string_view level, std::string_view msg,
                    const std::vector<std::pair<std::string, std::string>>& kv) {
  if (!base::LogEnabled(ToLevel(level))) return;
  std::vector<base::LogField> fields;
  fields.reserve(kv.size());
  for (const auto& [key, value] : kv) fields.emplace_back(key, value);
  base::Log(ToLevel(level), msg, fields);
}

StoreRuntime::StoreRuntime(std::shared_ptr<objstore::Bucket> bucket,
                           std::unique_ptr<block::MetaFetcher> fetcher,
                           absl::Duration sync_interval)
    : bucket_(std::move(bucket)), fetcher_(std::move(fetcher)), sync_interval_(sync_interval) {}

StoreRuntime::~StoreRuntime() { Shutdown(absl::ZeroDuration()); }

absl::Status StoreRuntime::Serve(const StoreFlags& flags, prometheus::Registry& registry,
                                 cache::MatchersCache* matchers_cache) {
  store::BucketStoreOptions opts;
  opts.load.data_dir = flags.data_dir;
  opts.load.postings_sampling = flags.posting_offsets_in_mem_sampling;
  opts.block_sync_concurrency = flags.block_sync_concurrency;
  opts.series_max_concurrency = flags.series_max_concurrency;
  opts.series_limit = flags.request_series_limit;
  opts.samples_limit = flags.request_samples_limit;
  TimeOrDuration min_time = flags.min_time, max_time = flags.max_time;
  opts.min_time = [min_time] { return min_time.ResolveMillis(absl::Now()); };
  opts.max_time = [max_time] { return max_time.ResolveMillis(absl::Now()); };
  opts.estimated_series_size = static_cast<int64_t>(flags.estimated_max_series_size);
  opts.estimated_chunk_size = static_cast<int64_t>(flags.estimated_max_chunk_size);
  opts.series_batch_size = static_cast<size_t>(std::max(1, flags.series_batch_size));
  opts.chunk_pool_size = static_cast<uint64_t>(std::max<int64_t>(0, flags.chunk_pool_size_bytes));
  opts.downloaded_bytes_limit =
      static_cast<uint64_t>(std::max<int64_t>(0, flags.downloaded_bytes_limit));
  opts.log = LogStoreRecord;
  CHARON_ASSIGN_OR_RETURN(opts.index_cache, IndexCacheFromFlags(flags, registry));
  store_ = std::make_unique<store::BucketStore>(
      bucket_, [this] { return FetchMetas(); }, std::move(opts), registry);
  data_dir_ = flags.data_dir;
  auto& not_ready = prometheus::BuildGauge()
                        .Name("charon_store_not_ready")
                        .Help(
                            "1 for the reason the store is not ready (initial_sync, "
                            "bucket_list_failed, data_dir_unusable), 0 for the others.")
                        .Register(registry);
  for (const char* reason : kReasons) not_ready_[reason] = &not_ready.Add({{"reason", reason}});
  not_ready_[kReasonInitialSync]->Set(1);
  gated_store_ = std::make_unique<ReadinessGatedStore>(*store_, [this] { return Ready(); });

  server::grpc::GrpcServerOptions g;
  g.address = flags.grpc_address;
  g.tls_cert_file = flags.grpc_server_tls_cert;
  g.tls_key_file = flags.grpc_server_tls_key;
  g.tls_client_ca_file = flags.grpc_server_tls_client_ca;
  g.tls_min_version = flags.grpc_server_tls_min_version;
  g.tls_cipher_suites = flags.grpc_server_tls_ciphers;
  g.tls_curves = flags.grpc_server_tls_curves;
  g.max_connection_age = flags.grpc_server_max_connection_age;
  g.grace_period = flags.grpc_grace_period;
  g.advertise_compatibility_label = flags.advertise_compatibility_label;
  g.registry = &registry;
  g.matchers_cache = matchers_cache;
  grpc_ = std::make_unique<server::grpc::GrpcServer>(*gated_store_, g);
  // Listen at once so an address in use fails start-up; calls before the initial sync end
  // with Unavailable and health says NOT_SERVING.
  CHARON_RETURN_IF_ERROR(grpc_->Start());
  base::LogInfo("listening for StoreAPI gRPC", {{"address", flags.grpc_address}});

  sync_thread_ = std::thread([this] { SyncLoop(); });
  // Large answers leave the allocator holding freed pages; give them back within seconds.
  releaser_ = std::make_unique<base::MemoryReleaser>(absl::Seconds(2), 64 << 20);
  return absl::OkStatus();
}

bool StoreRuntime::Ready() const { return ready_.load(); }

server::http::BlocksSnapshot StoreRuntime::LoadedBlocks() const {
  server::http::BlocksSnapshot snap;
  {
    absl::MutexLock lock(&mu_);
    snap = snapshot_;
  }
  // Sizes of the index-headers of the blocks loaded now, for the blocks page's detail view.
  if (store_) {
    for (const auto& b : store_->Blocks()) {
      std::error_code ec;
      const auto size = std::filesystem::file_size(
          std::filesystem::path(data_dir_) / b->id() / "index-header", ec);
      if (!ec) snap.index_header_bytes[b->id()] = static_cast<int64_t>(size);
    }
  }
  return snap;
}

store::StoreApi* StoreRuntime::Store() { return store_.get(); }

void StoreRuntime::Shutdown(absl::Duration grpc_grace_period) {
  if (stopped_.HasBeenNotified()) return;
  stopped_.Notify();
  if (grpc_) grpc_->Shutdown(grpc_grace_period);
  if (sync_thread_.joinable()) sync_thread_.join();
}

store::MetaView StoreRuntime::FetchMetas() {
  block::FetchResult r = fetcher_->Fetch();
  if (r.err.ok()) listed_once_ = true;
  store::MetaView view{r.metas, r.err};
  for (const auto& [id, status] : r.partial) {
    base::LogWarn("skipping block without a usable meta.json",
                  {{"block", id.ToString()}, {"err", status}});
  }
  server::http::BlocksSnapshot snap;
  for (const auto& [id, meta] : r.metas) snap.metas.push_back(meta->raw_json);
  snap.refreshed_at = absl::Now();
  snap.err = r.err;
  absl::MutexLock lock(&mu_);
  if (!r.err.ok()) last_list_error_ = std::string(r.err.message());
  if (r.err.ok() || snapshot_.metas.empty()) {
    snapshot_ = std::move(snap);
  } else {
    snapshot_.err = r.err;  // a failed fetch keeps the previous list
    snapshot_.refreshed_at = snap.refreshed_at;
  }
  return view;
}

void StoreRuntime::SyncLoop() {
  absl::Time start = absl::Now();
  CheckDataDir();
  absl::Status s = store_->InitialSync();
  if (!s.ok()) base::LogError("initial sync failed", {{"err", s}});
  UpdateReadiness();
  if (ready_) {
    base::LogInfo("initial sync done, ready",
                  {{"blocks", static_cast<int64_t>(store_->Blocks().size())},
                   {"elapsed", absl::Now() - start}});
  }
  for (;;) {
    const absl::Duration wait = ready_ ? sync_interval_ : std::min(sync_interval_, kNotReadyRetry);
    if (stopped_.WaitForNotificationWithTimeout(wait)) break;
    CheckDataDir();
    absl::Status st = store_->SyncBlocks();
    if (!st.ok()) base::LogWarn("syncing blocks failed", {{"err", st}});
    UpdateReadiness();
  }
}

// A data dir that turns read-only or full while running stops index-header builds; say so in
// readiness instead of serving with blocks missing.
void StoreRuntime::CheckDataDir() {
  absl::Status s = CheckDataDirWritable(data_dir_);
  absl::MutexLock lock(&mu_);
  data_dir_error_ = s.ok() ? "" : std::string(s.message());
}

// Only the sync thread calls this.
void StoreRuntime::UpdateReadiness() {
  std::string data_dir_error, list_error;
  {
    absl::MutexLock lock(&mu_);
    data_dir_error = data_dir_error_;
    list_error = last_list_error_;
  }
  const char* reason = nullptr;
  std::string detail;
  if (!store_->Ready()) {
    reason = kReasonInitialSync;
  } else if (!listed_once_) {
    reason = kReasonBucketList;
    detail = list_error;
  } else if (!data_dir_error.empty()) {
    reason = kReasonDataDir;
    detail = data_dir_error;
  }
  for (const auto& [name, gauge] : not_ready_) gauge->Set(reason != nullptr && name == reason);
  const std::string now = reason == nullptr ? "" : reason;
  if (now != reported_reason_) {
    if (reason == nullptr) {
      // The first time is logged as the end of the initial sync.
      if (reported_reason_ != kReasonInitialSync) {
        base::LogInfo("store is ready",
                      {{"blocks", static_cast<int64_t>(store_->Blocks().size())}});
      }
    } else {
      base::LogWarn("store is not ready; /-/ready answers 503 until this is fixed",
                    {{"reason", reason}, {"err", detail}});
    }
    reported_reason_ = now;
  }
  ready_ = reason == nullptr;
}

absl::StatusOr<std::unique_ptr<StoreRuntime>> StoreRuntime::Start(
    const StoreFlags& flags, prometheus::Registry& registry, cache::MatchersCache* matchers_cache) {
  CHARON_ASSIGN_OR_RETURN(std::string yaml, flags.objstore_config.Content());
  CHARON_ASSIGN_OR_RETURN(
      std::unique_ptr<objstore::Bucket> owned,
      objstore::NewBucketFromYaml(yaml, SourceName(flags.objstore_config), &registry));
  // Thanos labels its object-store metrics with the provider's bucket name (S3 bucket,
  // container, directory): Name() without its "TYPE:" prefix.
  const std::string name = owned->Name();
  const size_t colon = name.find(':');
  const std::string bucket_label = colon == std::string::npos ? name : name.substr(colon + 1);
  std::shared_ptr<objstore::Bucket> bucket = std::make_shared<objstore::MetricsBucket>(
      std::shared_ptr<objstore::Bucket>(std::move(owned)), bucket_label, registry);
  // As Thanos: the caching bucket wraps the instrumented bucket before anything uses it, so the
  // objstore metrics count only what reaches the object store.
  if (!flags.caching_bucket_config.empty()) {
    CHARON_ASSIGN_OR_RETURN(std::string caching_yaml, flags.caching_bucket_config.Content());
    auto caching = cache::NewCachingBucketFromYaml(
        caching_yaml, SourceName(flags.caching_bucket_config), bucket,
        cache::IterConfigHash(yaml, flags.objstore_config.path), registry);
    if (!caching.ok() && !flags.caching_bucket_config.path.empty()) {
      // The message starts with the file's name; name the flag too.
      return absl::Status(
          caching.status().code(),
          absl::StrCat("--store.caching-bucket.config-file ", caching.status().message()));
    }
    if (!caching.ok()) return caching.status();  // starts with "--store.caching-bucket.config"
    bucket = std::move(caching).value();
    base::LogInfo("caching bucket enabled", {{"bucket", bucket->Name()}});
  }

  // Filters in Thanos' order.
  std::vector<std::shared_ptr<block::MetaFilter>> filters;
  block::TimePartitionFilterOptions tp;
  TimeOrDuration min_time = flags.min_time, max_time = flags.max_time;
  tp.min_time = [min_time] { return min_time.ResolveMillis(absl::Now()); };
  tp.max_time = [max_time] { return max_time.ResolveMillis(absl::Now()); };
  filters.push_back(std::make_shared<block::TimePartitionFilter>(tp));
  if (!flags.selector_relabel_config.empty()) {
    CHARON_ASSIGN_OR_RETURN(std::string relabel_yaml, flags.selector_relabel_config.Content());
    auto relabel = block::RelabelConfig::Parse(relabel_yaml);
    if (!relabel.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(SourceName(flags.selector_relabel_config),
                                                     ": ", relabel.status().message()));
    }
    filters.push_back(std::make_shared<block::LabelShardedFilter>(std::move(relabel).value()));
  }
  block::ConsistencyDelayFilterOptions cd;
  cd.delay = flags.consistency_delay;
  CHARON_ASSIGN_OR_RETURN(auto consistency, block::ConsistencyDelayFilter::Create(cd, registry));
  filters.push_back(std::move(consistency));
  block::IgnoreDeletionMarkFilterOptions dm;
  dm.delay = flags.ignore_deletion_marks_delay;
  dm.concurrency = flags.block_meta_fetch_concurrency;
  filters.push_back(std::make_shared<block::IgnoreDeletionMarkFilter>(*bucket, dm));
  filters.push_back(std::make_shared<block::DeduplicateFilter>());

  block::MetaFetcherOptions fo;
  fo.concurrency = flags.block_meta_fetch_concurrency;
  fo.data_dir = flags.data_dir;
  fo.filters = std::move(filters);
  CHARON_ASSIGN_OR_RETURN(auto fetcher,
                          block::MetaFetcher::Create(*bucket, std::move(fo), registry));

  auto runtime =
      std::make_unique<StoreRuntime>(bucket, std::move(fetcher), flags.sync_block_duration);
  CHARON_RETURN_IF_ERROR(runtime->Serve(flags, registry, matchers_cache));
  return runtime;
}

}  // namespace charon::cmd
