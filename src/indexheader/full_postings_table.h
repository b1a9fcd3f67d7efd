// FullPostingsTable: the postings offset table of an index v1, loaded whole into memory. v1
// writers did not sort the table, so it cannot be sampled. A list's range ends where the next list
// in the file starts, found by offset rather than by table position: Thanos takes the next table
// entry, which agrees whenever the table follows the file order and gives an inverted range when
// it does not. v1 blocks are rare and small, so holding the whole table is acceptable.
//
// Thread-safe: immutable after Load.
#ifndef CHARON_INDEXHEADER_FULL_POSTINGS_TABLE_H_
#define CHARON_INDEXHEADER_FULL_POSTINGS_TABLE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "indexheader/postings_table.h"
#include "indexheader/read_only_file.h"

namespace charon::indexheader {

// DataLoss on a corrupt table or a list offset at or past the table.
absl::StatusOr<std::unique_ptr<PostingsTable>> OpenFullPostingsTable(
    const ReadOnlyFile& file, const PostingsTableLayout& layout);

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_FULL_POSTINGS_TABLE_H_
