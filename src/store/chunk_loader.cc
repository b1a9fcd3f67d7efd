#include "store/chunk_loader.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "store/range_partitioner.h"
#include "tsdb/chunk_record.h"

namespace charon::store {
namespace {

constexpr int kFetchConcurrency = 4;

struct Want {
  uint32_t offset;
  LoadedSeries* series;
  size_t chunk;  // index into series->metas / series->chunks
};

const char* AggrName(Aggr a) {
  switch (a) {
    case Aggr::kRaw: return "RAW";
    case Aggr::kCount: return "COUNT";
    case Aggr::kSum: return "SUM";
    case Aggr::kMin: return "MIN";
    case Aggr::kMax: return "MAX";
    case Aggr::kCounter: return "COUNTER";
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
      case Aggr::kCount: out->count = c; break;
      case Aggr::kSum: out->sum = c; break;
      case Aggr::kMin: out->min = c; break;
      case Aggr::kMax: out->max = c; break;
      case Aggr::kCounter: out->counter = c; break;
      case Aggr::kRaw: break;
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
                        std::span<const Aggr> aggregates, int64_t estimate, FetchStats* stats) {
  if (block.meta().chunk_max_size > 0) estimate = std::min(estimate, block.meta().chunk_max_size + 16);
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

  struct Job {
    const std::string* object;
    std::vector<Want>* wants;
    std::vector<ByteRange> ranges;
    std::vector<Part> parts;
  };
  std::vector<Job> jobs;
  for (auto& [seg, wants] : by_segment) {
    const std::string* object = block.SegmentObject(seg);
    if (!object) {
      return BlockReadError(block, "chunks", absl::DataLossError(absl::StrCat("chunk ref points at segment ", seg,
                                                           " which does not exist")));
    }
    std::sort(wants.begin(), wants.end(),
              [](const Want& a, const Want& b) { return a.offset < b.offset; });
    Job j{object, &wants, {}, {}};
    for (const Want& w : wants) j.ranges.push_back({w.offset, w.offset + estimate});
    j.parts = PartitionRanges(j.ranges);
    jobs.push_back(std::move(j));
  }
  struct Fetch {
    size_t job, part;
  };
  std::vector<Fetch> fetches;
  for (size_t j = 0; j < jobs.size(); ++j) {
    for (size_t p = 0; p < jobs[j].parts.size(); ++p) fetches.push_back({j, p});
  }
  auto buffers = std::make_shared<ChunkBuffers>();
  buffers->parts.resize(fetches.size());
  CHARON_RETURN_IF_ERROR(base::ParallelFor(fetches.size(), kFetchConcurrency, [&](size_t f) {
    const Job& j = jobs[fetches[f].job];
    const Part& p = j.parts[fetches[f].part];
    auto got = block.bucket().GetRange(*j.object, p.start, p.end - p.start);
    if (!got.ok()) return BlockReadError(block, "chunks", got.status());
    buffers->parts[f] = std::move(got).value();
    return absl::OkStatus();
  }));
  if (stats) {
    stats->chunks_fetch_count += static_cast<int64_t>(fetches.size());
    for (const auto& b : buffers->parts) stats->chunks_fetched_bytes += static_cast<int64_t>(b.size());
    stats->chunks_touched += static_cast<int64_t>(total);
    stats->chunks_fetched += static_cast<int64_t>(total);
  }

  // Records longer than the estimate are fetched again; their buffers join the shared set.
  struct Pending {
    const Want* want;
    const std::string* object;
  };
  std::vector<Pending> pending;
  for (size_t f = 0; f < fetches.size(); ++f) {
    const Job& j = jobs[fetches[f].job];
    const Part& p = j.parts[fetches[f].part];
    std::string_view buf(buffers->parts[f]);
    for (size_t i = p.first; i <= p.last; ++i) {
      const Want& w = (*j.wants)[i];
      auto off = static_cast<size_t>(w.offset - p.start);
      std::string_view b = off <= buf.size() ? buf.substr(off) : std::string_view();
      auto rec = tsdb::DecodeChunkRecord(b, /*verify_crc=*/true);
      if (rec.status().code() == absl::StatusCode::kOutOfRange) {
        pending.push_back({&w, j.object});
        continue;
      }
      if (!rec.ok()) return BlockReadError(block, "chunks", RecordError(rec.status(), *j.object, w.offset));
      if (stats) stats->chunks_touched_bytes += static_cast<int64_t>(rec->total_size);
      absl::Status s = Fill(*rec, aggregates, &w.series->chunks[w.chunk]);
      if (!s.ok()) return BlockReadError(block, "chunks", s);
    }
  }
  for (const Pending& pd : pending) {
    // Read the record's length first, then exactly the record.
    auto head = block.bucket().GetRange(*pd.object, pd.want->offset, 5);
    if (!head.ok()) return BlockReadError(block, "chunks", head.status());
    auto size = tsdb::ChunkRecordSize(*head);
    if (!size.ok()) return BlockReadError(block, "chunks", RecordError(size.status(), *pd.object, pd.want->offset));
    auto got = block.bucket().GetRange(*pd.object, pd.want->offset, static_cast<int64_t>(*size));
    if (!got.ok()) return BlockReadError(block, "chunks", got.status());
    buffers->parts.push_back(std::move(got).value());
    if (stats) {
      stats->chunk_refetches++;
      stats->chunks_fetched_bytes += static_cast<int64_t>(buffers->parts.back().size());
    }
    auto rec = tsdb::DecodeChunkRecord(buffers->parts.back(), true);
    if (!rec.ok()) return BlockReadError(block, "chunks", RecordError(rec.status(), *pd.object, pd.want->offset));
    absl::Status s = Fill(*rec, aggregates, &pd.want->series->chunks[pd.want->chunk]);
    if (!s.ok()) return BlockReadError(block, "chunks", s);
  }
  std::shared_ptr<const ChunkBuffers> shared = std::move(buffers);
  for (LoadedSeries* s : series) s->buffers = shared;
  return absl::OkStatus();
}

}  // namespace charon::store
