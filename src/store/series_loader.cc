#include "store/series_loader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"
#include "base/status_macros.h"
#include "cache/index_cache.h"
#include "cache/index_cache_keys.h"
#include "store/range_fetcher.h"

namespace charon::store {
namespace {

// A series entry as the index holds it (len uvarint | body | CRC-32C of the body) from the body
// the index cache keeps (Thanos caches the body alone).
std::string EntryFromBody(std::string_view body) {
  std::string entry;
  entry.reserve(body.size() + 9);
  base::PutUvarint(&entry, body.size());
  entry.append(body);
  base::PutBe32(&entry, base::Crc32c(body));
  return entry;
}

// The body of the entry at the start of `b`, as the index cache keeps it.
std::string_view BodyOf(std::string_view b) {
  uint64_t len = 0;
  size_t n = base::ReadUvarint(b, &len);
  if (n == 0 || len > b.size() - n) return {};
  return b.substr(n, len);
}

}  // namespace

absl::Status LoadSeriesEntries(
    const Block& block, std::span<const uint64_t> refs, int64_t estimate, QueryContext& ctx,
    const std::function<absl::Status(size_t, const tsdb::SeriesEntry&)>& fn,
    std::optional<uint64_t> next_ref) {
  if (refs.empty()) return absl::OkStatus();
  FetchStats& stats = ctx.stats();
  if (block.meta().series_max_size > 0)
    estimate = std::min(estimate, block.meta().series_max_size + 8);
  const int version = block.index_version();
  // Series entries lie before the postings offset table; never read past it.
  const int64_t limit = block.index_header().PostingsTableOffset();
  // Entries are laid out back to back in ref order: one ends at the latest where the next
  // selected one starts, so only the last entry (with no known successor) is read by estimate.
  // Series entries are fetched by ref here, and only here.
  RangeRead read{&block.index_object(), std::vector<ByteRange>(refs.size())};
  std::vector<ByteRange>& ranges = read.ranges;
  for (size_t i = 0; i < refs.size(); ++i) {
    auto off = static_cast<int64_t>(tsdb::SeriesOffset(refs[i], version));
    int64_t end = std::min(off + estimate, limit);
    std::optional<uint64_t> next =
        i + 1 < refs.size() ? std::optional<uint64_t>(refs[i + 1]) : next_ref;
    if (next) end = std::min(end, static_cast<int64_t>(tsdb::SeriesOffset(*next, version)));
    ranges[i] = {off, std::max(off + 1, end)};
  }
  // Entries the index cache holds (and that decode) are not read from the bucket.
  cache::IndexCache* index_cache = ctx.index_cache();
  std::vector<std::string> cached(refs.size());
  std::vector<bool> hit(refs.size(), false);
  RangeRead missing{&block.index_object(), {}};
  std::vector<size_t> missing_index;
  if (index_cache != nullptr) {
    std::vector<uint64_t> offsets(refs.size());
    for (size_t i = 0; i < refs.size(); ++i) offsets[i] = tsdb::SeriesOffset(refs[i], version);
    absl::flat_hash_map<uint64_t, std::string> found =
        index_cache->FetchMultiSeries(block.id(), offsets);
    tsdb::SeriesEntry scratch;
    for (size_t i = 0; i < refs.size() && !found.empty(); ++i) {
      auto it = found.find(offsets[i]);
      if (it == found.end()) continue;
      std::string entry = EntryFromBody(it->second);
      // A cached value that does not decode is a miss: read from the bucket instead.
      if (absl::Status decoded = tsdb::DecodeSeriesEntry(entry, &scratch); !decoded.ok()) {
        index_cache->Undecodable(block.id(), cache::IndexItemType::kSeries,
                                 cache::SeriesKey(block.id(), offsets[i]), decoded);
        continue;
      }
      cached[i] = std::move(entry);
      hit[i] = true;
    }
  }
  for (size_t i = 0; i < refs.size(); ++i) {
    if (hit[i]) continue;
    missing.ranges.push_back(ranges[i]);
    missing_index.push_back(i);
  }
  ChunkBuffers bufs;
  FetchedRanges fetched;
  fetched.views.resize(1);
  if (!missing.ranges.empty()) {
    CHARON_ASSIGN_OR_RETURN(fetched, FetchRanges(ctx, block, "series", {&missing, 1}, bufs));
  }
  std::vector<std::string_view> views(refs.size());
  for (size_t m = 0; m < missing_index.size(); ++m) views[missing_index[m]] = fetched.views[0][m];
  for (size_t i = 0; i < refs.size(); ++i) {
    if (hit[i]) views[i] = cached[i];
  }
  stats.series_fetch_count += fetched.requests;
  stats.series_fetched_bytes += fetched.bytes;
  stats.series_touched += static_cast<int64_t>(refs.size());
  stats.series_fetched += static_cast<int64_t>(missing_index.size());

  std::vector<std::pair<uint64_t, std::string>> to_cache;
  tsdb::SeriesEntry entry;
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string_view b = views[i];
    absl::Status s = tsdb::DecodeSeriesEntry(b, &entry);
    if (s.code() == absl::StatusCode::kOutOfRange) {
      // Longer than the estimate: read exactly this entry.
      CHARON_ASSIGN_OR_RETURN(
          std::string_view refetched,
          RefetchEntry(
              ctx, block, "series", block.index_object(), ranges[i].start, b,
              [](std::string_view head) { return tsdb::SeriesEntrySize(head); }, bufs));
      stats.series_refetches++;
      stats.series_fetched_bytes += static_cast<int64_t>(refetched.size());
      s = tsdb::DecodeSeriesEntry(refetched, &entry);
      b = refetched;
    }
    if (!s.ok()) {
      return BlockReadError(
          block, "series",
          absl::Status(
              s.code() == absl::StatusCode::kOutOfRange ? absl::StatusCode::kDataLoss : s.code(),
              absl::StrCat("ref ", refs[i], ": ", s.message())));
    }
    stats.series_touched_bytes += static_cast<int64_t>(tsdb::SeriesEntrySize(b).value_or(0));
    if (index_cache != nullptr && !hit[i]) {
      to_cache.emplace_back(tsdb::SeriesOffset(refs[i], version), std::string(BodyOf(b)));
    }
    CHARON_RETURN_IF_ERROR(fn(i, entry));
  }
  if (index_cache != nullptr) index_cache->StoreSeries(block.id(), std::move(to_cache));
  return absl::OkStatus();
}

}  // namespace charon::store
