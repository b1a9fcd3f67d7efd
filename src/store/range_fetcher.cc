#include "store/range_fetcher.h"

#include <deque>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace charon::store {

absl::StatusOr<FetchedRanges> FetchRanges(QueryContext& ctx, const Block& block,
                                          std::string_view what, std::span<const RangeRead> reads,
                                          ChunkBuffers& buffers) {
  struct Fetch {
    size_t read;
    Part part;
  };
  std::vector<std::vector<Part>> parts(reads.size());
  std::vector<Fetch> fetches;
  for (size_t r = 0; r < reads.size(); ++r) {
    parts[r] = PartitionRanges(reads[r].ranges);
    for (const Part& p : parts[r]) fetches.push_back({r, p});
  }
  std::vector<std::string> got(fetches.size());
  std::vector<BudgetLease> leases(fetches.size());
  CHARON_RETURN_IF_ERROR(ctx.ParallelFor(fetches.size(), [&](size_t f) -> absl::Status {
    const Fetch& fe = fetches[f];
    CHARON_ASSIGN_OR_RETURN(got[f], ctx.GetRange(block, what, *reads[fe.read].object, fe.part.start,
                                                 fe.part.end - fe.part.start, &leases[f]));
    return absl::OkStatus();
  }));
  for (auto& l : leases) buffers.leases.push_back(std::move(l));

  FetchedRanges out;
  out.views.resize(reads.size());
  for (size_t r = 0; r < reads.size(); ++r) out.views[r].resize(reads[r].ranges.size());
  out.requests = static_cast<int64_t>(fetches.size());
  for (size_t f = 0; f < fetches.size(); ++f) {
    out.bytes += static_cast<int64_t>(got[f].size());
    // A deque: appending never moves the strings views point into.
    buffers.parts.push_back(std::move(got[f]));
    std::string_view buf(buffers.parts.back());
    const Fetch& fe = fetches[f];
    for (size_t i = fe.part.first; i <= fe.part.last; ++i) {
      const ByteRange& range = reads[fe.read].ranges[i];
      auto off = static_cast<size_t>(range.start - fe.part.start);
      auto len = static_cast<size_t>(range.end - range.start);
      out.views[fe.read][i] = off <= buf.size() ? buf.substr(off, len) : std::string_view();
    }
  }
  return out;
}

absl::StatusOr<std::string_view> RefetchEntry(QueryContext& ctx, const Block& block,
                                              std::string_view what, const std::string& object,
                                              int64_t offset, std::string_view head,
                                              const EntrySizeFn& size_of, ChunkBuffers& buffers) {
  absl::StatusOr<uint64_t> size = size_of(head);
  if (!size.ok()) {
    // The longest uvarint length prefix the formats use is 5 bytes.
    BudgetLease lease;
    CHARON_ASSIGN_OR_RETURN(std::string prefix,
                            ctx.GetRange(block, what, object, offset, 5, &lease));
    size = size_of(prefix);
    if (!size.ok()) {
      // Five bytes always hold the length: anything else is corrupt data.
      return BlockReadError(block, what,
                            absl::DataLossError(absl::StrCat("entry at offset ", offset, ": ",
                                                             size.status().message())));
    }
  }
  BudgetLease lease;
  CHARON_ASSIGN_OR_RETURN(std::string entry, ctx.GetRange(block, what, object, offset,
                                                          static_cast<int64_t>(*size), &lease));
  buffers.parts.push_back(std::move(entry));
  buffers.leases.push_back(std::move(lease));
  return std::string_view(buffers.parts.back());
}

}  // namespace charon::store
