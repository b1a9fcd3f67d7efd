#include "store/bucket_store.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/logging.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "store/block_postings.h"
#include "store/block_series_stream.h"
#include "store/limiter.h"
#include "store/series_loader.h"
#include "store/series_merger.h"
#include "store/sorted_union.h"

namespace charon::store {
namespace {

constexpr int64_t kResolutions[] = {3600000, 300000, 0};  // coarse to fine

double Seconds(absl::Time since) { return absl::ToDoubleSeconds(absl::Now() - since); }

// Block-level hint matchers see the external labels plus __block_id.
bool BlockMatches(const Block& b, const std::vector<tsdb::Matcher>& block_matchers) {
  for (const auto& m : block_matchers) {
    std::string_view v = m.name() == "__block_id" ? std::string_view(b.id())
                                                  : tsdb::GetLabel(b.external_labels(), m.name());
    if (!m.Matches(v)) return false;
  }
  return true;
}

// Checks request matchers against a block's external labels. Returns false if a matcher on an
// external label rejects its value; otherwise fills `rest` with the matchers left for the index.
bool SplitExternalMatchers(const Block& b, const std::vector<tsdb::Matcher>& matchers,
                           std::vector<tsdb::Matcher>* rest) {
  rest->clear();
  for (const auto& m : matchers) {
    auto it = std::find_if(b.external_labels().begin(), b.external_labels().end(),
                           [&](const tsdb::Label& l) { return l.name == m.name(); });
    if (it == b.external_labels().end()) {
      rest->push_back(m);
    } else if (!m.Matches(it->value)) {
      return false;
    }
  }
  return true;
}

std::string LabelSetKey(const tsdb::Labels& ls) { return tsdb::LabelsToString(ls); }

}  // namespace

BucketStore::BucketStore(std::shared_ptr<objstore::Bucket> bucket, MetaSource metas,
                         BucketStoreOptions options, prometheus::Registry& registry)
    : bucket_(std::move(bucket)),
      metas_(std::move(metas)),
      options_(std::move(options)),
      metrics_(registry),
      gate_(options_.series_max_concurrency) {
  metrics_.gate_queries_max.Set(options_.series_max_concurrency);
}

BucketStore::~BucketStore() = default;

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

absl::Status BucketStore::LoadBlock(std::shared_ptr<const tsdb::BlockMeta> meta) {
  absl::Time start = absl::Now();
  metrics_.block_loads.Increment();
  auto block = Block::Load(bucket_, meta, options_.load);
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
  std::set<std::string> keep;
  for (const auto& b : Blocks()) keep.insert(b->id());
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.load.data_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!entry.is_directory() || keep.contains(name) || !base::Ulid::Parse(name).ok()) continue;
    std::filesystem::remove_all(entry.path(), ec);
  }
  ready_ = true;
  return absl::OkStatus();
}

std::vector<BucketStore::Selected> BucketStore::SelectSeriesBlocks(const SeriesRequest& req,
                                                                   int64_t mint,
                                                                   int64_t maxt) const {
  // Group by external-label set; within a group, blocks per resolution sorted by time.
  struct Group {
    std::vector<std::shared_ptr<const Block>> by_res[3];
    std::vector<tsdb::Matcher> matchers;
  };
  std::map<std::string, Group> groups;
  for (const auto& b : Blocks()) {
    std::string key = LabelSetKey(b->external_labels());
    auto [it, inserted] = groups.try_emplace(key);
    int r = b->meta().downsample_resolution == 3600000  ? 0
            : b->meta().downsample_resolution == 300000 ? 1
                                                        : 2;
    it->second.by_res[r].push_back(b);
  }
  std::vector<Selected> out;
  int64_t max_res = std::max<int64_t>(0, req.max_resolution_window);
  for (auto& entry : groups) {
    Group& g = entry.second;  // a named reference: clang 14 cannot capture structured bindings
    const Block* any = nullptr;
    for (auto& list : g.by_res) {
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        if (a->meta().min_time != b->meta().min_time)
          return a->meta().min_time < b->meta().min_time;
        return a->meta().max_time < b->meta().max_time;
      });
      if (!list.empty()) any = list.front().get();
    }
    std::vector<tsdb::Matcher> rest;
    if (!any || !SplitExternalMatchers(*any, req.matchers, &rest)) continue;

    // Thanos' getFor: prefer the coarsest resolution allowed, fill gaps from finer ones.
    std::function<void(int64_t, int64_t, size_t)> get_for = [&](int64_t lo, int64_t hi, size_t i) {
      if (lo > hi) return;
      size_t start_res = 0;
      while (start_res < 3 && kResolutions[start_res] > max_res) ++start_res;
      i = std::max(i, start_res);
      if (i >= 3) return;
      int64_t cursor = lo;
      for (const auto& b : g.by_res[i]) {
        if (b->meta().max_time <= lo) continue;
        if (b->meta().min_time > hi) break;
        if (i + 1 < 3) get_for(cursor, b->meta().min_time - 1, i + 1);
        if (BlockMatches(*b, req.block_matchers)) out.push_back({b, rest});
        cursor = b->meta().max_time;
      }
      if (i + 1 < 3) get_for(cursor, hi, i + 1);
    };
    get_for(mint, maxt, 0);
  }
  return out;
}

namespace {
// Before the initial sync the block set is incomplete: refuse rather than answer partially.
absl::Status NotReady() {
  return absl::UnavailableError("store not ready: initial block sync in progress");
}
}  // namespace

namespace {

// Failures the operator must see (a block's objects unreadable, missing or corrupt) are logged with
// the message, which names the block; client errors, limits and cancellations are not.
template <typename T>
T Logged(std::string_view call, T result) {
  const absl::Status& s = [&]() -> const absl::Status& {
    if constexpr (std::is_same_v<T, absl::Status>) {
      return result;
    } else {
      return result.status();
    }
  }();
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      if (s.message() != NotReady().message()) {
        base::LogWarn("request failed", {{"call", std::string(call)},
                                         {"code", absl::StatusCodeToString(s.code())},
                                         {"err", std::string(s.message())}});
      }
      break;
    default:
      break;
  }
  return result;
}

}  // namespace

absl::Status BucketStore::Series(const SeriesRequest& req, SeriesSink& sink, SeriesResult* result) {
  return Logged("series", SeriesUnlogged(req, sink, result));
}

absl::Status BucketStore::SeriesUnlogged(const SeriesRequest& req, SeriesSink& sink,
                                         SeriesResult* result) {
  if (!Ready()) return NotReady();
  if (req.min_time > req.max_time) {
    return absl::InvalidArgumentError(absl::StrCat("invalid time range: min_time ", req.min_time,
                                                   " is greater than max_time ", req.max_time));
  }
  for (Aggr a : req.aggregates) {
    if (static_cast<int>(a) < 0 || static_cast<int>(a) > 5) {
      return absl::InvalidArgumentError(absl::StrCat("unknown aggregate ", static_cast<int>(a)));
    }
  }
  absl::Time gate_start = absl::Now();
  if (!gate_.Enter(absl::InfiniteFuture(), nullptr)) {
    return absl::CancelledError("failed to wait for turn");
  }
  metrics_.gate_queries_total.Increment();
  metrics_.gate_duration.Observe(Seconds(gate_start));
  metrics_.gate_queries_in_flight.Set(gate_.in_flight());
  struct Leave {
    BucketStore* s;
    ~Leave() {
      s->gate_.Leave();
      s->metrics_.gate_queries_in_flight.Set(s->gate_.in_flight());
    }
  } leave{this};

  int64_t mint = std::max(req.min_time, MinTimeFlag());
  int64_t maxt = std::min(req.max_time, MaxTimeFlag());
  const std::string tenant = req.tenant;
  Limiter series_limiter("series", options_.series_limit,
                         [&] { metrics_.QueryDropped("series", tenant); });
  Limiter chunks_limiter("chunks", options_.samples_limit / 120,
                         [&] { metrics_.QueryDropped("chunks", tenant); });
  FetchStats stats;
  std::vector<Selected> selected;
  if (!req.matchers.empty() && mint <= maxt) selected = SelectSeriesBlocks(req, mint, maxt);

  absl::Time get_all_start = absl::Now();
  BlockQuery base;
  base.min_time = mint;
  base.max_time = maxt;
  base.skip_chunks = req.skip_chunks;
  base.aggregates = req.aggregates;
  base.without_replica_labels = req.without_replica_labels;
  base.shard_info = req.shard_info;
  base.limit = req.limit;
  // Labels of a whole batch are held per block and request: Thanos' 10000 would cost ~8 MB per
  // block, so entries are read 1024 at a time at most (more index reads, far less memory).
  base.batch_size = std::clamp<size_t>(options_.series_batch_size, 1, kMaxSeriesPerRead);
  base.chunks_per_fetch = std::max<size_t>(1, options_.chunks_per_fetch);
  base.estimated_series_size = options_.estimated_series_size;
  base.estimated_chunk_size = options_.estimated_chunk_size;
  base.series_limiter = &series_limiter;
  base.chunks_limiter = options_.samples_limit > 0 ? &chunks_limiter : nullptr;
  base.stats = &stats;
  std::vector<std::unique_ptr<BlockSeriesStream>> streams(selected.size());
  CHARON_RETURN_IF_ERROR(
      base::ParallelFor(selected.size(), options_.block_open_concurrency, [&](size_t i) {
        BlockQuery q = base;
        q.matchers = selected[i].matchers;
        CHARON_ASSIGN_OR_RETURN(streams[i], BlockSeriesStream::Open(selected[i].block, q));
        return absl::OkStatus();
      }));
  metrics_.series_get_all_duration.Observe(Seconds(get_all_start));
  metrics_.series_blocks_queried.Observe(static_cast<double>(selected.size()));
  if (result) {
    for (const auto& s : selected) result->queried_blocks.push_back(s.block->id());
  }

  absl::Time merge_start = absl::Now();
  SeriesMerger merger(std::move(streams));
  int64_t sent = 0;
  int64_t chunks_sent = 0;
  SeriesOut out;
  while (req.limit <= 0 || sent < req.limit) {
    CHARON_ASSIGN_OR_RETURN(std::optional<LoadedSeries> s, merger.Next());
    if (!s) break;
    out.labels = std::move(s->labels);
    out.chunks = std::move(s->chunks);
    chunks_sent += static_cast<int64_t>(out.chunks.size());
    absl::Status st = sink.Send(out);
    if (!st.ok()) return st;
    ++sent;
  }
  metrics_.series_merge_duration.Observe(Seconds(merge_start));
  metrics_.series_result_series.Observe(static_cast<double>(sent));
  metrics_.ObserveFetch(stats);
  if (result) {
    QueryStats& q = result->stats;
    q.blocks_queried = static_cast<int64_t>(selected.size());
    q.merged_series_count = sent;
    q.merged_chunks_count = chunks_sent;
    q.postings_touched = stats.postings_touched;
    q.postings_fetched = stats.postings_fetched;
    q.postings_fetched_size_sum = stats.postings_fetched_bytes;
    q.postings_fetch_count = stats.postings_fetch_count;
    q.series_touched = stats.series_touched;
    q.series_touched_size_sum = stats.series_touched_bytes;
    q.series_fetched = stats.series_fetched;
    q.series_fetched_size_sum = stats.series_fetched_bytes;
    q.series_fetch_count = stats.series_fetch_count;
    q.chunks_touched = stats.chunks_touched;
    q.chunks_touched_size_sum = stats.chunks_touched_bytes;
    q.chunks_fetched = stats.chunks_fetched;
    q.chunks_fetched_size_sum = stats.chunks_fetched_bytes;
    q.chunks_fetch_count = stats.chunks_fetch_count;
    q.data_downloaded_size_sum =
        stats.postings_fetched_bytes + stats.series_fetched_bytes + stats.chunks_fetched_bytes;
    q.get_all_duration_seconds = absl::ToDoubleSeconds(merge_start - get_all_start);
    q.merge_duration_seconds = Seconds(merge_start);
  }
  return absl::OkStatus();
}

std::vector<BucketStore::Selected> BucketStore::SelectLabelBlocks(
    int64_t start, int64_t end, const std::vector<tsdb::Matcher>& matchers,
    const std::vector<tsdb::Matcher>& block_matchers) const {
  std::vector<Selected> out;
  for (const auto& b : Blocks()) {
    // Blocks are half-open [min, max): they overlap [start, end] iff min <= end && start < max.
    if (b->meta().min_time > end || start >= b->meta().max_time) continue;
    if (!BlockMatches(*b, block_matchers)) continue;
    std::vector<tsdb::Matcher> rest;
    if (!SplitExternalMatchers(*b, matchers, &rest)) continue;
    out.push_back({b, std::move(rest)});
  }
  return out;
}

namespace {

// The symbol `ref` of `block`; DataLoss naming the block if it cannot be read.
absl::StatusOr<std::string> BlockSymbol(const Block& block, uint32_t ref) {
  auto sym = block.index_header().LookupSymbol(ref);
  if (!sym.ok()) {
    return absl::DataLossError(
        absl::StrCat("block ", block.id(), ": symbol ", ref, ": ", sym.status().message()));
  }
  return std::move(sym).value();
}

// Reads the series entries selected by `matchers` in one block, without time filtering per series
// (as Prometheus' label APIs with matchers do), and feeds them to `fn`. Returns how many series
// were selected. The label APIs work on symbol references and look up each distinct symbol once.
absl::StatusOr<size_t> ForEachSelectedEntry(
    const Block& block, const std::vector<tsdb::Matcher>& matchers, Limiter* series_limiter,
    const std::function<void(const tsdb::SeriesEntry&)>& fn) {
  CHARON_ASSIGN_OR_RETURN(std::vector<uint64_t> refs,
                          ExpandBlockPostings(block, matchers, nullptr));
  CHARON_RETURN_IF_ERROR(series_limiter->Reserve(refs.size()));
  constexpr size_t kBatch = 4096;
  for (size_t begin = 0; begin < refs.size(); begin += kBatch) {
    std::span<const uint64_t> batch(refs.data() + begin, std::min(kBatch, refs.size() - begin));
    CHARON_RETURN_IF_ERROR(LoadSeriesEntries(
        block, batch, kEstimatedMaxSeriesSize, nullptr,
        [&](size_t, const tsdb::SeriesEntry& e) -> absl::Status {
          fn(e);
          return absl::OkStatus();
        },
        begin + kBatch < refs.size() ? std::optional<uint64_t>(refs[begin + kBatch])
                                     : std::nullopt));
  }
  return refs.size();
}

// Values of `label` (not an external label of the block) over the series `matchers` select in one
// block: sorted, unique. Series without the label are skipped as they are read.
absl::StatusOr<std::vector<std::string>> CollectLabelValues(
    const Block& block, const std::vector<tsdb::Matcher>& matchers, const std::string& label,
    Limiter* series_limiter) {
  absl::flat_hash_map<uint32_t, bool> is_label;  // name symbol → whether it is `label`
  absl::flat_hash_set<uint32_t> value_refs;
  absl::Status lookup_error;
  CHARON_RETURN_IF_ERROR(
      ForEachSelectedEntry(block, matchers, series_limiter, [&](const tsdb::SeriesEntry& e) {
        for (const auto& [n, v] : e.label_refs) {
          auto [it, inserted] = is_label.try_emplace(n, false);
          if (inserted) {
            absl::StatusOr<std::string> name = BlockSymbol(block, n);
            if (!name.ok()) lookup_error.Update(name.status());
            it->second = name.ok() && *name == label;
          }
          if (it->second) {
            value_refs.insert(v);
            return;
          }
        }
      }).status());
  CHARON_RETURN_IF_ERROR(lookup_error);
  std::vector<std::string> values;
  values.reserve(value_refs.size());
  for (uint32_t ref : value_refs) {
    CHARON_ASSIGN_OR_RETURN(std::string value, BlockSymbol(block, ref));
    if (!value.empty()) values.push_back(std::move(value));
  }
  std::sort(values.begin(), values.end());  // distinct symbols are distinct strings
  return values;
}

// Sorts `names`, drops duplicates, then the replica labels.
std::vector<std::string> SortedNames(std::vector<std::string> names,
                                     const std::vector<std::string>& replica) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::erase_if(names, [&](const std::string& n) {
    return std::find(replica.begin(), replica.end(), n) != replica.end();
  });
  return names;
}

// Label names of the series `matchers` select in one block as the store returns them (external
// labels added, replica labels removed): sorted, unique.
absl::StatusOr<std::vector<std::string>> CollectLabelNames(
    const Block& block, const std::vector<tsdb::Matcher>& matchers,
    const std::vector<std::string>& replica, Limiter* series_limiter) {
  absl::flat_hash_set<uint32_t> name_refs;
  CHARON_ASSIGN_OR_RETURN(
      size_t selected,
      ForEachSelectedEntry(block, matchers, series_limiter, [&](const tsdb::SeriesEntry& e) {
        for (const auto& label : e.label_refs) name_refs.insert(label.first);
      }));
  std::vector<std::string> names;
  if (selected == 0) return names;
  for (uint32_t ref : name_refs) {
    CHARON_ASSIGN_OR_RETURN(std::string name, BlockSymbol(block, ref));
    names.push_back(std::move(name));
  }
  for (const auto& l : block.external_labels()) names.push_back(l.name);
  return SortedNames(std::move(names), replica);
}

absl::Status WithBlock(const Block& block, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("block ", block.id(), ": ", status.message()));
}

}  // namespace

absl::StatusOr<LabelsResult> BucketStore::CollectLabels(
    int64_t req_start, int64_t req_end, const std::vector<tsdb::Matcher>& matchers,
    const std::vector<tsdb::Matcher>& block_matchers, const std::string& tenant, int64_t limit,
    const PerBlockLabels& per_block_fn) {
  if (!Ready()) return NotReady();
  if (req_start > req_end) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid time range: start ", req_start, " is greater than end ", req_end));
  }
  int64_t start = std::max(req_start, MinTimeFlag());
  int64_t end = std::min(req_end, MaxTimeFlag());
  LabelsResult result;
  if (start > end) return result;
  auto selected = SelectLabelBlocks(start, end, matchers, block_matchers);
  Limiter series_limiter("series", options_.series_limit,
                         [&] { metrics_.QueryDropped("series", tenant); });
  std::vector<std::vector<std::string>> per_block(selected.size());
  // Without matchers every block answers from its index-header alone, in microseconds: handing
  // blocks to pool threads would cost more than it saves.
  const int concurrency = matchers.empty() ? 1 : options_.block_open_concurrency;
  CHARON_RETURN_IF_ERROR(base::ParallelFor(selected.size(), concurrency, [&](size_t i) {
    return per_block_fn(selected[i], series_limiter, per_block[i]);
  }));
  result.values = SortedUnion(std::move(per_block), limit);
  for (const auto& s : selected) result.queried_blocks.push_back(s.block->id());
  return result;
}

absl::StatusOr<LabelsResult> BucketStore::LabelNames(const LabelNamesRequest& req) {
  return Logged(
      "label_names",
      CollectLabels(req.start, req.end, req.matchers, req.block_matchers, req.tenant, req.limit,
                    [&](const Selected& sel, Limiter& limiter, std::vector<std::string>& names) {
                      const Block& b = *sel.block;
                      // No matchers left once the external labels matched: every series of the
                      // block counts.
                      if (sel.matchers.empty()) {
                        names.assign(b.label_names().begin(), b.label_names().end());
                        for (const auto& l : b.external_labels()) names.push_back(l.name);
                        names = SortedNames(std::move(names), req.without_replica_labels);
                        return absl::OkStatus();
                      }
                      CHARON_ASSIGN_OR_RETURN(
                          names,
                          CollectLabelNames(b, sel.matchers, req.without_replica_labels, &limiter));
                      return absl::OkStatus();
                    }));
}

absl::StatusOr<LabelsResult> BucketStore::LabelValues(const LabelValuesRequest& req) {
  if (req.label.empty()) return absl::InvalidArgumentError("label name parameter cannot be empty");
  if (std::find(req.without_replica_labels.begin(), req.without_replica_labels.end(), req.label) !=
      req.without_replica_labels.end()) {
    if (!Ready()) return NotReady();
    return LabelsResult{};
  }
  return Logged(
      "label_values",
      CollectLabels(req.start, req.end, req.matchers, req.block_matchers, req.tenant, req.limit,
                    [&](const Selected& sel, Limiter& limiter, std::vector<std::string>& values) {
                      const Block& b = *sel.block;
                      std::string_view ext = tsdb::GetLabel(b.external_labels(), req.label);
                      if (!ext.empty()) {
                        // The external label replaces the series' own: any selected series gives
                        // its value.
                        if (!sel.matchers.empty()) {
                          CHARON_ASSIGN_OR_RETURN(std::vector<uint64_t> refs,
                                                  ExpandBlockPostings(b, sel.matchers, nullptr));
                          CHARON_RETURN_IF_ERROR(limiter.Reserve(refs.size()));
                          if (refs.empty()) return absl::OkStatus();
                        }
                        values.emplace_back(ext);
                        return absl::OkStatus();
                      }
                      // No matchers left once the external labels matched: every series of the
                      // block counts, and the index holds the values.
                      if (sel.matchers.empty()) {
                        auto v = b.index_header().LabelValues(req.label);
                        if (!v.ok()) return WithBlock(b, v.status());
                        values = std::move(v).value();
                        if (!std::is_sorted(values.begin(), values.end())) {
                          std::sort(values.begin(), values.end());
                        }
                        return absl::OkStatus();
                      }
                      CHARON_ASSIGN_OR_RETURN(
                          values, CollectLabelValues(b, sel.matchers, req.label, &limiter));
                      return absl::OkStatus();
                    }));
}

StoreInfo BucketStore::Info() {
  StoreInfo info;
  std::map<std::string, std::pair<tsdb::Labels, std::vector<std::pair<int64_t, int64_t>>>> sets;
  for (const auto& b : Blocks()) {
    info.min_time = std::min(info.min_time, b->meta().min_time);
    info.max_time = std::max(info.max_time, b->meta().max_time);
    auto& entry = sets[LabelSetKey(b->external_labels())];
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
