#include "store/series_merger.h"

#include <algorithm>

#include "base/status_macros.h"

namespace charon::store {
namespace {

// The first present sub-chunk identifies the chunk for ordering.
const ChunkData* Key(const AggrChunk& c) {
  for (const auto* p : {&c.raw, &c.count, &c.sum, &c.min, &c.max, &c.counter}) {
    if (p->has_value()) return &**p;
  }
  return nullptr;
}

bool ChunkLess(const AggrChunk& a, const AggrChunk& b) {
  if (a.min_time != b.min_time) return a.min_time < b.min_time;
  if (a.max_time != b.max_time) return a.max_time < b.max_time;
  const ChunkData* ka = Key(a);
  const ChunkData* kb = Key(b);
  if (!ka || !kb) return ka == nullptr && kb != nullptr;
  if (ka->encoding != kb->encoding) return ka->encoding < kb->encoding;
  return ka->data < kb->data;
}

bool ChunkEqual(const AggrChunk& a, const AggrChunk& b) {
  if (a.min_time != b.min_time || a.max_time != b.max_time) return false;
  auto same = [](const std::optional<ChunkData>& x, const std::optional<ChunkData>& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x || (x->encoding == y->encoding && x->hash == y->hash && x->data == y->data);
  };
  return same(a.raw, b.raw) && same(a.count, b.count) && same(a.sum, b.sum) && same(a.min, b.min) &&
         same(a.max, b.max) && same(a.counter, b.counter);
}

}  // namespace

void SortAndDedupChunks(std::vector<AggrChunk>& chunks) {
  std::sort(chunks.begin(), chunks.end(), ChunkLess);
  chunks.erase(std::unique(chunks.begin(), chunks.end(), ChunkEqual), chunks.end());
}

SeriesMerger::SeriesMerger(std::vector<std::unique_ptr<BlockSeriesStream>> streams)
    : streams_(std::move(streams)), heads_(streams_.size()) {}

bool SeriesMerger::Greater(size_t a, size_t b) const {
  return tsdb::CompareLabels(heads_[a]->labels, heads_[b]->labels) > 0;
}

absl::Status SeriesMerger::Init() {
  initialized_ = true;
  for (size_t i = 0; i < streams_.size(); ++i) {
    CHARON_ASSIGN_OR_RETURN(heads_[i], streams_[i]->Next());
    if (heads_[i]) heap_.push_back(i);
  }
  std::make_heap(heap_.begin(), heap_.end(), [this](size_t a, size_t b) { return Greater(a, b); });
  return absl::OkStatus();
}

absl::StatusOr<std::optional<LoadedSeries>> SeriesMerger::Next() {
  if (!initialized_) CHARON_RETURN_IF_ERROR(Init());
  auto greater = [this](size_t a, size_t b) { return Greater(a, b); };
  if (heap_.empty()) return std::optional<LoadedSeries>();

  std::pop_heap(heap_.begin(), heap_.end(), greater);
  size_t top = heap_.back();
  heap_.pop_back();
  LoadedSeries out = std::move(*heads_[top]);
  CHARON_ASSIGN_OR_RETURN(heads_[top], streams_[top]->Next());
  if (heads_[top]) {
    heap_.push_back(top);
    std::push_heap(heap_.begin(), heap_.end(), greater);
  }
  bool merged = false;
  while (!heap_.empty() && tsdb::CompareLabels(heads_[heap_.front()]->labels, out.labels) == 0) {
    std::pop_heap(heap_.begin(), heap_.end(), greater);
    size_t i = heap_.back();
    heap_.pop_back();
    LoadedSeries& other = *heads_[i];
    out.chunks.insert(out.chunks.end(), other.chunks.begin(), other.chunks.end());
    if (other.buffers) out.extra_buffers.push_back(other.buffers);
    for (auto& b : other.extra_buffers) out.extra_buffers.push_back(std::move(b));
    merged = true;
    CHARON_ASSIGN_OR_RETURN(heads_[i], streams_[i]->Next());
    if (heads_[i]) {
      heap_.push_back(i);
      std::push_heap(heap_.begin(), heap_.end(), greater);
    }
  }
  if (merged) SortAndDedupChunks(out.chunks);
  return std::optional<LoadedSeries>(std::move(out));
}

}  // namespace charon::store
