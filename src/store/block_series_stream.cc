#include "store/block_series_stream.h"

#include <xxhash.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "store/block_postings.h"
#include "store/chunk_loader.h"
#include "store/series_loader.h"
#include "tsdb/xor_chunk.h"

namespace charon::store {

bool ShardMatches(const ShardInfo& shard, const tsdb::Labels& labels) {
  if (shard.total_shards < 1) return true;
  std::string buf;
  for (const auto& l : labels) {
    bool listed = std::find(shard.labels.begin(), shard.labels.end(), l.name) != shard.labels.end();
    if (listed != shard.by) continue;
    buf.append(l.name);
    buf.push_back('\xff');
    buf.append(l.value);
    buf.push_back('\xff');
  }
  uint64_t h = XXH64(buf.data(), buf.size(), 0);
  return h % static_cast<uint64_t>(shard.total_shards) == static_cast<uint64_t>(shard.shard_index);
}

bool ChunkHasSampleIn(const AggrChunk& c, int64_t mint, int64_t maxt) {
  if (!c.raw || c.raw->encoding != 0) return true;
  tsdb::XorIterator it(c.raw->data);
  while (it.Next()) {
    if (it.t() > maxt) return false;
    if (it.t() >= mint) return true;
  }
  return false;
}

BlockSeriesStream::BlockSeriesStream(std::shared_ptr<const Block> block, const BlockQuery& query)
    : block_(std::move(block)),
      q_(query),
      transform_(block_->external_labels(), block_->label_names(), query.without_replica_labels) {}

absl::StatusOr<std::unique_ptr<BlockSeriesStream>> BlockSeriesStream::Open(
    std::shared_ptr<const Block> block, const BlockQuery& query) {
  std::unique_ptr<BlockSeriesStream> s(new BlockSeriesStream(std::move(block), query));
  s->pipeline_ = std::make_shared<BatchPipeline>();
  CHARON_ASSIGN_OR_RETURN(s->refs_, ExpandBlockPostings(*s->block_, *s->q_.matchers, *s->q_.ctx));
  if (s->q_.series_limiter) {
    CHARON_RETURN_IF_ERROR(s->q_.series_limiter->Reserve(s->refs_.size()));
  }
  s->sorted_mode_ = !s->transform_.order_preserving();
  CHARON_RETURN_IF_ERROR(s->TakeBatch());
  return s;
}

BlockSeriesStream::~BlockSeriesStream() {
  BatchPipeline& p = *pipeline_;
  absl::MutexLock lock(&p.mu);
  p.stop = true;
  p.queued = false;
  p.mu.Await(absl::Condition(
      +[](BatchPipeline* q) ABSL_NO_THREAD_SAFETY_ANALYSIS { return !q->filling; }, &p));
}

void BlockSeriesStream::FillOne() {
  absl::Status s = FillReady();
  uint64_t bytes = 0;
  const ChunkBuffers* last = nullptr;
  for (const LoadedSeries& series : filled_) {
    if (!series.buffers || series.buffers.get() == last) continue;
    last = series.buffers.get();
    for (const std::string& part : last->parts) bytes += part.size();
  }
  BatchPipeline& p = *pipeline_;
  absl::MutexLock lock(&p.mu);
  if (!s.ok()) {
    p.error = std::move(s);
  } else if (!filled_.empty()) {
    p.batches.push_back(std::move(filled_));
    p.last_batch_bytes = bytes;
  }
  filled_.clear();
  p.done = finished_;
  p.filling = false;
}

void BlockSeriesStream::RunFiller(std::shared_ptr<BatchPipeline> p, BlockSeriesStream* self) {
  {
    absl::MutexLock lock(&p->mu);
    if (!p->queued) return;  // claimed by the consumer, or the stream is gone
    p->queued = false;
  }
  for (;;) {
    {
      absl::MutexLock lock(&p->mu);
      // At the memory budget, fetching ahead stops: the batch is read when the merge needs it.
      if (p->stop || p->done || p->filling || !p->error.ok() ||
          p->batches.size() >= self->q_.batches_ahead ||
          !self->q_.ctx->HasRoomFor(p->last_batch_bytes)) {
        return;
      }
      p->filling = true;
    }
    self->FillOne();
  }
}

void BlockSeriesStream::StartFiller() {
  {
    BatchPipeline& p = *pipeline_;
    absl::MutexLock lock(&p.mu);
    if (p.queued || p.filling || p.done || !p.error.ok() || q_.batches_ahead == 0) return;
    p.queued = true;
  }
  IoPool().Submit([p = pipeline_, this] { RunFiller(p, this); });
}

absl::Status BlockSeriesStream::TakeBatch() {
  BatchPipeline& p = *pipeline_;
  {
    absl::MutexLock lock(&p.mu);
    for (;;) {
      if (!p.batches.empty()) {
        ready_ = std::move(p.batches.front());
        p.batches.pop_front();
        break;
      }
      if (!p.error.ok()) return p.error;
      if (p.filling) {
        p.mu.Await(absl::Condition(
            +[](BatchPipeline* q) ABSL_NO_THREAD_SAFETY_ANALYSIS { return !q->filling; }, &p));
        continue;
      }
      if (p.done) return absl::OkStatus();
      // Nobody is fetching (or the filler has not started yet): load the batch here.
      p.queued = false;
      p.filling = true;
      p.mu.Unlock();
      FillOne();
      p.mu.Lock();
    }
  }
  StartFiller();
  return absl::OkStatus();
}

absl::StatusOr<std::string_view> BlockSeriesStream::Symbol(uint32_t ref) {
  auto it = symbols_.find(ref);
  if (it != symbols_.end()) return std::string_view(it->second);
  auto sym = block_->index_header().LookupSymbol(ref);
  if (!sym.ok()) {
    return absl::Status(
        absl::StatusCode::kDataLoss,
        absl::StrCat("block ", block_->id(), ": symbol ", ref, ": ", sym.status().message()));
  }
  auto [ins, _] = symbols_.emplace(ref, std::move(sym).value());
  return std::string_view(ins->second);
}

absl::Status BlockSeriesStream::ReadEntries(size_t begin, size_t end,
                                            std::vector<LoadedSeries>* out) {
  std::span<const uint64_t> refs(refs_.data() + begin, end - begin);
  return LoadSeriesEntries(
      *block_, refs, q_.estimated_series_size, *q_.ctx,
      [&](size_t, const tsdb::SeriesEntry& e) -> absl::Status {
        LoadedSeries s;
        bool inside = false;  // some chunk has its first or last sample in range
        for (const auto& c : e.chunks) {
          if (c.max_time < q_.min_time) continue;
          if (c.min_time > q_.max_time) break;
          s.metas.push_back(c);
          inside = inside || c.min_time >= q_.min_time || c.max_time <= q_.max_time;
        }
        if (s.metas.empty()) return absl::OkStatus();
        s.needs_sample_check = !inside;
        s.labels.reserve(e.label_refs.size() + block_->external_labels().size());
        for (const auto& [n, v] : e.label_refs) {
          CHARON_ASSIGN_OR_RETURN(std::string_view name, Symbol(n));
          CHARON_ASSIGN_OR_RETURN(std::string_view value, Symbol(v));
          s.labels.push_back({std::string(name), std::string(value)});
        }
        s.may_defer = transform_.MayDefer(
            s.labels.empty() ? std::string_view() : std::string_view(s.labels.back().name));
        transform_.Apply(s.labels);
        if (q_.shard_info && !ShardMatches(*q_.shard_info, s.labels)) return absl::OkStatus();
        if (q_.skip_chunks && !s.needs_sample_check) s.metas.clear();
        out->push_back(std::move(s));
        return absl::OkStatus();
      },
      end < refs_.size() ? std::optional<uint64_t>(refs_[end]) : std::nullopt);
}

absl::Status BlockSeriesStream::LoadChunksFor(std::vector<LoadedSeries>& batch) {
  if (!q_.skip_chunks && q_.chunks_limiter) {
    uint64_t n = 0;
    for (const auto& s : batch) n += s.metas.size();
    CHARON_RETURN_IF_ERROR(q_.chunks_limiter->Reserve(n));
  }
  std::vector<LoadedSeries*> ptrs;
  for (auto& s : batch) {
    if (!s.metas.empty()) ptrs.push_back(&s);
  }
  if (!ptrs.empty()) {
    CHARON_RETURN_IF_ERROR(
        LoadChunks(*block_, ptrs, q_.aggregates, q_.estimated_chunk_size, *q_.ctx));
  }
  std::erase_if(batch, [&](LoadedSeries& s) {
    if (!s.needs_sample_check) return false;
    bool any = std::any_of(s.chunks.begin(), s.chunks.end(), [&](const AggrChunk& c) {
      return ChunkHasSampleIn(c, q_.min_time, q_.max_time);
    });
    if (q_.skip_chunks) {
      s.metas.clear();
      s.chunks.clear();
      s.buffers.reset();
    }
    return !any;
  });
  return absl::OkStatus();
}

namespace {

// The end of the window from `from`: at most `max_series` series and, past the first, no more
// than `max_chunks` chunk metas.
size_t ChunkWindowEnd(const std::vector<LoadedSeries>& v, size_t from, size_t max_series,
                      size_t max_chunks) {
  size_t end = from;
  size_t chunks = 0;
  while (end < v.size() && end - from < max_series) {
    chunks += v[end].metas.size();
    if (end > from && chunks > max_chunks) break;
    ++end;
  }
  return end;
}

}  // namespace

absl::Status BlockSeriesStream::FillReady() {
  CHARON_RETURN_IF_ERROR(q_.ctx->Check());
  const size_t batch = std::max<size_t>(1, q_.batch_size);
  if (sorted_mode_) {
    if (!gathered_) {
      // Gather every selected series (labels and chunk metas only), then sort by final labels.
      while (next_ref_ < refs_.size()) {
        size_t end = std::min(refs_.size(), next_ref_ + batch);
        CHARON_RETURN_IF_ERROR(ReadEntries(next_ref_, end, &sorted_));
        next_ref_ = end;
      }
      std::stable_sort(sorted_.begin(), sorted_.end(),
                       [](const LoadedSeries& a, const LoadedSeries& b) {
                         return tsdb::CompareLabels(a.labels, b.labels) < 0;
                       });
      gathered_ = true;
    }
    while (filled_.empty() && sorted_pos_ < sorted_.size()) {
      size_t end = ChunkWindowEnd(sorted_, sorted_pos_, batch, q_.chunks_per_fetch);
      std::vector<LoadedSeries> window(std::make_move_iterator(sorted_.begin() + sorted_pos_),
                                       std::make_move_iterator(sorted_.begin() + end));
      sorted_pos_ = end;
      CHARON_RETURN_IF_ERROR(LoadChunksFor(window));
      for (auto& s : window) filled_.push_back(std::move(s));
    }
    if (filled_.empty()) {
      finished_ = true;
      sorted_.clear();
    }
    return absl::OkStatus();
  }

  while (filled_.empty() && !finished_) {
    if (entries_pos_ >= entries_.size()) {
      entries_.clear();
      entries_pos_ = 0;
      if (next_ref_ >= refs_.size()) {
        restorer_.Finish(filled_);
        finished_ = true;
        break;
      }
      size_t end = std::min(refs_.size(), next_ref_ + batch);
      CHARON_RETURN_IF_ERROR(ReadEntries(next_ref_, end, &entries_));
      next_ref_ = end;
      continue;
    }
    size_t end = ChunkWindowEnd(entries_, entries_pos_, batch, q_.chunks_per_fetch);
    std::vector<LoadedSeries> loaded(std::make_move_iterator(entries_.begin() + entries_pos_),
                                     std::make_move_iterator(entries_.begin() + end));
    entries_pos_ = end;
    CHARON_RETURN_IF_ERROR(LoadChunksFor(loaded));
    for (auto& s : loaded) {
      bool defer = s.may_defer;
      restorer_.Push(std::move(s), defer, filled_);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<LoadedSeries>> BlockSeriesStream::Next() {
  if (q_.limit > 0 && emitted_ >= q_.limit) return std::optional<LoadedSeries>();
  if (ready_.empty()) CHARON_RETURN_IF_ERROR(TakeBatch());
  if (ready_.empty()) return std::optional<LoadedSeries>();
  LoadedSeries s = std::move(ready_.front());
  ready_.pop_front();
  ++emitted_;
  return std::optional<LoadedSeries>(std::move(s));
}

}  // namespace charon::store
