// A series as one block produces it for one request: final labels (external labels set, replica
// labels removed) and its chunks in the request's time range. Chunk data are views into fetched
// buffers that the series keeps alive.
#ifndef CHARON_STORE_LOADED_SERIES_H_
#define CHARON_STORE_LOADED_SERIES_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "store/memory_budget.h"
#include "store/store_api.h"
#include "tsdb/labels.h"
#include "tsdb/series_entry.h"

namespace charon::store {

// Fetched byte buffers shared by the series whose chunk views point into them. A deque: appending
// never moves existing strings, so views into short (inline) strings survive. The leases hold
// the buffers' bytes against the store's memory budget until the buffers go.
struct ChunkBuffers {
  std::deque<std::string> parts;
  std::vector<BudgetLease> leases;
};

struct LoadedSeries {
  tsdb::Labels labels;
  std::vector<tsdb::ChunkMeta> metas;  // chunks overlapping the request range
  std::vector<AggrChunk> chunks;       // filled once chunks are loaded
  // Every overlapping chunk spans past both ends of the range: whether a sample falls inside can
  // only be told from the chunk data.
  bool needs_sample_check = false;
  // May be overtaken by later series of its block (see OrderRestorer).
  bool may_defer = false;
  std::shared_ptr<const ChunkBuffers> buffers;
  std::vector<std::shared_ptr<const ChunkBuffers>> extra_buffers;  // after merging across blocks
};

}  // namespace charon::store

#endif  // CHARON_STORE_LOADED_SERIES_H_
