#include "store/series_loader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/range_fetcher.h"

namespace charon::store {

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
  ChunkBuffers bufs;
  CHARON_ASSIGN_OR_RETURN(FetchedRanges fetched,
                          FetchRanges(ctx, block, "series", {&read, 1}, bufs));
  stats.series_fetch_count += fetched.requests;
  stats.series_fetched_bytes += fetched.bytes;
  stats.series_touched += static_cast<int64_t>(refs.size());
  stats.series_fetched += static_cast<int64_t>(refs.size());

  tsdb::SeriesEntry entry;
  for (size_t i = 0; i < refs.size(); ++i) {
    std::string_view b = fetched.views[0][i];
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
    CHARON_RETURN_IF_ERROR(fn(i, entry));
  }
  return absl::OkStatus();
}

}  // namespace charon::store
