// Resolves matchers to the series of one block: plans posting groups from the index-header's
// label values, fetches every needed postings list from the remote index in coalesced range reads,
// and combines them. No matchers means every series of the block.
#ifndef CHARON_STORE_BLOCK_POSTINGS_H_
#define CHARON_STORE_BLOCK_POSTINGS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "store/block.h"
#include "store/query_context.h"
#include "tsdb/matcher.h"

namespace charon::store {

// Series refs as stored in postings lists (v2: series id = offset/16; v1: byte offset), ascending.
// Errors (bucket, DataLoss) name the block.
absl::StatusOr<std::vector<uint64_t>> ExpandBlockPostings(const Block& block,
                                                          std::span<const tsdb::Matcher> matchers,
                                                          QueryContext& ctx);

}  // namespace charon::store

#endif  // CHARON_STORE_BLOCK_POSTINGS_H_
