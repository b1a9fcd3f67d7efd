// SampledPostingsTable: the postings offset table of an index v2 (sorted by name, then value),
// with only a sample in memory. For each label name it keeps the first value, every N-th value and
// the last value, each with its entry's file offset, plus where the name's last list ends (Thanos
// calls it lastValOffset). A lookup binary-searches the samples and reads at most N-1 entries
// forward from the file.
//
// Load() verifies the CRC, that entries are sorted and that list offsets increase; afterwards
// lookups fail only if the file changes underneath. Thread-safe: immutable after Load.
#ifndef CHARON_INDEXHEADER_SAMPLED_POSTINGS_TABLE_H_
#define CHARON_INDEXHEADER_SAMPLED_POSTINGS_TABLE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "indexheader/postings_table.h"
#include "indexheader/read_only_file.h"

namespace charon::indexheader {

// `sampling` >= 1. DataLoss on a corrupt or unsorted table. `file` must outlive the table.
absl::StatusOr<std::unique_ptr<PostingsTable>> OpenSampledPostingsTable(
    const ReadOnlyFile& file, const PostingsTableLayout& layout, int sampling);

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_SAMPLED_POSTINGS_TABLE_H_
