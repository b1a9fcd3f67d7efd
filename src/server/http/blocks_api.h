// The blocks view of the store for humans and tools: the JSON of GET /api/v1/blocks (the shape the
// Thanos UI reads) and a small HTML page listing the loaded blocks.
//
// Pure functions over a snapshot; the HTTP server asks its BlocksProvider for a snapshot per
// request.
#ifndef CHARON_SERVER_HTTP_BLOCKS_API_H_
#define CHARON_SERVER_HTTP_BLOCKS_API_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace charon::server::http {

// The store's view after its last meta.json fetch (Thanos' BlocksInfo). On a failed fetch the store
// keeps the previous metas and sets `err`.
struct BlocksSnapshot {
  // Raw meta.json documents of the blocks that passed the filters. Documents that are not valid
  // JSON are left out of the output.
  std::vector<std::string> metas;
  // Time of the last fetch; nullopt before the first, printed as Go's zero time.
  std::optional<absl::Time> refreshed_at;
  // Error of the last fetch; OK prints as null.
  absl::Status err;
  // Size of the local index-header of each loaded block, by ULID (for the page's detail view).
  std::map<std::string, int64_t> index_header_bytes;
};

// Must be thread-safe: called concurrently from HTTP worker threads.
using BlocksProvider = std::function<BlocksSnapshot()>;

// Body of GET /api/v1/blocks:
//   {"status":"success","data":{"label":<label>,"blocks":[...],"refreshedAt":<RFC3339>,"err":null}}
// With `loaded_view` false this is Thanos' global view, which the store never fills: no blocks and
// Go's zero time, whatever `loaded` holds.
std::string RenderBlocksJson(std::string_view label, const BlocksSnapshot& loaded,
                             bool loaded_view);

// A self-contained HTML page (no external resources): a timeline with one lane per external-label
// set and one bar per block (an <svg id="timeline"> of <rect class="block" data-ulid=...>,
// overlapping blocks stacked, colour by compaction level, dash by resolution), a detail view of
// the block named by the URL fragment (#<ULID>, set by clicking a bar), and a table with one row
// per block: ULID, min/max time, external labels, resolution, compaction level, series, samples,
// chunks; sorted by label set then min time.
std::string RenderBlocksPage(std::string_view label, const BlocksSnapshot& loaded);

// RFC3339 with nanoseconds and trailing zeros dropped, UTC ("2026-01-02T15:04:05.1Z"), as Go
// encodes a time.Time in JSON.
std::string FormatRfc3339(absl::Time t);

}  // namespace charon::server::http

#endif  // CHARON_SERVER_HTTP_BLOCKS_API_H_
