#include "store/series_loader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/parallel.h"
#include "base/status_macros.h"
#include "store/range_partitioner.h"

namespace charon::store {
namespace {

constexpr int kFetchConcurrency = 4;

}  // namespace

absl::Status LoadSeriesEntries(const Block& block, std::span<const uint64_t> refs, int64_t estimate,
                               FetchStats* stats,
                               const std::function<absl::Status(size_t, const tsdb::SeriesEntry&)>& fn,
                               std::optional<uint64_t> next_ref) {
  if (refs.empty()) return absl::OkStatus();
  if (block.meta().series_max_size > 0) estimate = std::min(estimate, block.meta().series_max_size + 8);
  const int version = block.index_version();
  // Series entries lie before the postings offset table; never read past it.
  const int64_t limit = block.index_header().PostingsTableOffset();
  // Entries are laid out back to back in ref order: one ends at the latest where the next
  // selected one starts, so only the last entry (with no known successor) is read by estimate.
  std::vector<ByteRange> ranges(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    auto off = static_cast<int64_t>(tsdb::SeriesOffset(refs[i], version));
    int64_t end = std::min(off + estimate, limit);
    std::optional<uint64_t> next = i + 1 < refs.size() ? std::optional<uint64_t>(refs[i + 1]) : next_ref;
    if (next) end = std::min(end, static_cast<int64_t>(tsdb::SeriesOffset(*next, version)));
    ranges[i] = {off, std::max(off + 1, end)};
  }
  std::vector<Part> parts = PartitionRanges(ranges);
  std::vector<std::string> bufs(parts.size());
  CHARON_RETURN_IF_ERROR(base::ParallelFor(parts.size(), kFetchConcurrency, [&](size_t p) {
    auto got = block.bucket().GetRange(block.index_object(), parts[p].start,
                                       parts[p].end - parts[p].start);
    if (!got.ok()) return BlockReadError(block, "series", got.status());
    bufs[p] = std::move(got).value();
    return absl::OkStatus();
  }));
  if (stats) {
    stats->series_fetch_count += static_cast<int64_t>(parts.size());
    for (const auto& b : bufs) stats->series_fetched_bytes += static_cast<int64_t>(b.size());
    stats->series_touched += static_cast<int64_t>(refs.size());
    stats->series_fetched += static_cast<int64_t>(refs.size());
  }

  tsdb::SeriesEntry entry;
  std::string refetched;
  for (size_t p = 0; p < parts.size(); ++p) {
    std::string_view buf(bufs[p]);
    for (size_t i = parts[p].first; i <= parts[p].last; ++i) {
      auto off = static_cast<size_t>(ranges[i].start - parts[p].start);
      std::string_view b = off <= buf.size() ? buf.substr(off) : std::string_view();
      absl::Status s = tsdb::DecodeSeriesEntry(b, &entry);
      if (s.code() == absl::StatusCode::kOutOfRange) {
        // Longer than the estimate: read exactly this entry (its length first if need be).
        auto size = tsdb::SeriesEntrySize(b);
        if (!size.ok()) {
          auto head = block.bucket().GetRange(block.index_object(), ranges[i].start, 5);
          if (!head.ok()) return BlockReadError(block, "series", head.status());
          size = tsdb::SeriesEntrySize(*head);
          if (!size.ok()) return BlockReadError(block, "series", size.status());
        }
        auto got = block.bucket().GetRange(block.index_object(), ranges[i].start,
                                           static_cast<int64_t>(*size));
        if (!got.ok()) return BlockReadError(block, "series", got.status());
        refetched = std::move(got).value();
        if (stats) {
          stats->series_refetches++;
          stats->series_fetched_bytes += static_cast<int64_t>(refetched.size());
        }
        s = tsdb::DecodeSeriesEntry(refetched, &entry);
        b = refetched;
      }
      if (!s.ok()) {
        return BlockReadError(block, "series", absl::Status(s.code() == absl::StatusCode::kOutOfRange
                                             ? absl::StatusCode::kDataLoss
                                             : s.code(),
                                         absl::StrCat("ref ", refs[i], ": ", s.message())));
      }
      if (stats) stats->series_touched_bytes += static_cast<int64_t>(tsdb::SeriesEntrySize(b).value_or(0));
      CHARON_RETURN_IF_ERROR(fn(i, entry));
    }
  }
  return absl::OkStatus();
}

}  // namespace charon::store
