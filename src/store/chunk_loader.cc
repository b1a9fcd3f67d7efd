#include "store/chunk_loader.h"

#include <xxhash.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "base/status_macros.h"
#include "store/range_fetcher.h"
#include "tsdb/chunk_record.h"

namespace charon::store {
namespace {

struct Want {
  uint32_t offset;
  LoadedSeries* series;
  size_t chunk;  // index into series->metas / series->chunks
};

const char* AggrName(Aggr a) {
  switch (a) {
    case Aggr::kRaw:
      return "RAW";
    case Aggr::kCount:
      return "COUNT";
    case Aggr::kSum:
      return "SUM";
    case Aggr::kMin:
      return "MIN";
    case Aggr::kMax:
      return "MAX";
    case Aggr::kCounter:
      return "COUNTER";
  }
  return "?";
}

// StoreAPI encoding = TSDB encoding byte - 1 for XOR, histogram and float histogram.
std::optional<ChunkData> StoreChunk(uint8_t encoding, std::string_view data) {
  if (encoding < 1 || encoding > 3) return std::nullopt;
  return ChunkData{encoding - 1, data, XXH64(data.data(), data.size(), 0)};
}

absl::Status Fill(const tsdb::ChunkRecord& rec, std::span<const Aggr> aggregates, AggrChunk* out) {
  if (rec.encoding != static_cast<uint8_t>(tsdb::ChunkEncoding::kThanosAggr)) {
    out->raw = StoreChunk(rec.encoding, rec.data);
    if (!out->raw) {
      return absl::UnimplementedError(
          absl::StrCat("unsupported chunk encoding ", static_cast<int>(rec.encoding)));
    }
    return absl::OkStatus();
  }
  CHARON_ASSIGN_OR_RETURN(AggrParts parts, SplitAggrChunk(rec.data));
  for (Aggr a : aggregates) {
    if (a == Aggr::kRaw) continue;
    int idx = static_cast<int>(a) - 1;
    if (!parts.part[idx]) {
      return absl::InvalidArgumentError(absl::StrCat("aggregate ", AggrName(a), " does not exist"));
    }
    auto c = StoreChunk(parts.part[idx]->first, parts.part[idx]->second);
    if (!c) return absl::DataLossError("unsupported encoding inside aggregate chunk");
    switch (a) {
      case Aggr::kCount:
        out->count = c;
        break;
      case Aggr::kSum:
        out->sum = c;
        break;
      case Aggr::kMin:
        out->min = c;
        break;
      case Aggr::kMax:
        out->max = c;
        break;
      case Aggr::kCounter:
        out->counter = c;
        break;
      case Aggr::kRaw:
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status RecordError(const absl::Status& s, const std::string& object, uint32_t offset) {
  auto code = s.code() == absl::StatusCode::kOutOfRange ? absl::StatusCode::kDataLoss : s.code();
  return absl::Status(code, absl::StrCat(object, " offset ", offset, ": ", s.message()));
}

}  // namespace

absl::StatusOr<AggrParts> SplitAggrChunk(std::string_view data) {
  AggrParts out;
  base::Decbuf d(data);
  for (int i = 0; i < 5 && d.Len() > 0; ++i) {
    uint64_t len = d.Uvarint();
    if (!d.ok()) break;
    if (len == 0) continue;
    uint8_t enc = d.Byte();
    std::string_view bytes = d.Bytes(len);
    if (!d.ok()) break;
    out.part[i] = std::make_pair(enc, bytes);
  }
  if (!d.ok()) return absl::DataLossError(absl::StrCat("aggregate chunk: ", d.err().message()));
  return out;
}

absl::Status LoadChunks(const Block& block, std::span<LoadedSeries*> series,
                        std::span<const Aggr> aggregates, int64_t estimate, QueryContext& ctx) {
  FetchStats& stats = ctx.stats();
  if (block.meta().chunk_max_size > 0)
    estimate = std::min(estimate, block.meta().chunk_max_size + 16);
  std::map<uint32_t, std::vector<Want>> by_segment;
  size_t total = 0;
  for (LoadedSeries* s : series) {
    s->chunks.assign(s->metas.size(), AggrChunk{});
    for (size_t c = 0; c < s->metas.size(); ++c) {
      s->chunks[c].min_time = s->metas[c].min_time;
      s->chunks[c].max_time = s->metas[c].max_time;
      by_segment[tsdb::ChunkRefSegment(s->metas[c].ref)].push_back(
          {tsdb::ChunkRefOffset(s->metas[c].ref), s, c});
      ++total;
    }
  }
  if (total == 0) return absl::OkStatus();

  std::vector<RangeRead> reads;
  std::vector<std::vector<Want>*> wants_of;
  for (auto& [seg, wants] : by_segment) {
    const std::string* object = block.SegmentObject(seg);
    if (!object) {
      return BlockReadError(block, "chunks",
                            absl::DataLossError(absl::StrCat("chunk ref points at segment ", seg,
                                                             " which does not exist")));
    }
    std::sort(wants.begin(), wants.end(),
              [](const Want& a, const Want& b) { return a.offset < b.offset; });
    RangeRead read{object, {}};
    read.ranges.reserve(wants.size());
    for (const Want& w : wants) read.ranges.push_back({w.offset, w.offset + estimate});
    reads.push_back(std::move(read));
    wants_of.push_back(&wants);
  }
  auto buffers = std::make_shared<ChunkBuffers>();
  CHARON_ASSIGN_OR_RETURN(FetchedRanges fetched,
                          FetchRanges(ctx, block, "chunks", reads, *buffers));
  stats.chunks_fetch_count += fetched.requests;
  stats.chunks_fetched_bytes += fetched.bytes;
  stats.chunks_touched += static_cast<int64_t>(total);
  stats.chunks_fetched += static_cast<int64_t>(total);

  for (size_t r = 0; r < reads.size(); ++r) {
    const std::string& object = *reads[r].object;
    for (size_t i = 0; i < wants_of[r]->size(); ++i) {
      const Want& w = (*wants_of[r])[i];
      std::string_view b = fetched.views[r][i];
      auto rec = tsdb::DecodeChunkRecord(b, /*verify_crc=*/true);
      if (rec.status().code() == absl::StatusCode::kOutOfRange) {
        // Longer than the estimate: read exactly this record; its buffer joins the shared set.
        CHARON_ASSIGN_OR_RETURN(
            std::string_view exact,
            RefetchEntry(
                ctx, block, "chunks", object, w.offset, b,
                [](std::string_view head) { return tsdb::ChunkRecordSize(head); }, *buffers));
        stats.chunk_refetches++;
        stats.chunks_fetched_bytes += static_cast<int64_t>(exact.size());
        rec = tsdb::DecodeChunkRecord(exact, true);
      }
      if (!rec.ok())
        return BlockReadError(block, "chunks", RecordError(rec.status(), object, w.offset));
      stats.chunks_touched_bytes += static_cast<int64_t>(rec->total_size);
      absl::Status s = Fill(*rec, aggregates, &w.series->chunks[w.chunk]);
      if (!s.ok()) return BlockReadError(block, "chunks", s);
    }
  }
  std::shared_ptr<const ChunkBuffers> shared = std::move(buffers);
  for (LoadedSeries* s : series) s->buffers = shared;
  return absl::OkStatus();
}

}  // namespace charon::store
