// Test-only helpers shared by the index-header tests and benchmark: the expected index-header
// bytes composed from a raw index, and a comparison of an IndexHeaderReader against the full
// in-memory IndexReader (the oracle) on every label name, value, postings range and symbol.
#ifndef CHARON_INDEXHEADER_INDEX_HEADER_ORACLE_H_
#define CHARON_INDEXHEADER_INDEX_HEADER_ORACLE_H_

#include <memory>
#include <string>
#include <string_view>

#include "indexheader/index_header_reader.h"
#include "objstore/bucket.h"
#include "tsdb/index_reader.h"

namespace charon::indexheader {

// 14-byte header + index[symbols, series) + index[postings_table, end) + 20-byte TOC, composed
// independently of the builder.
std::string ExpectedIndexHeader(std::string_view index);

// A bucket over the local directory `root`.
std::unique_ptr<objstore::Bucket> MakeFilesystemBucket(const std::string& root);

// Checks every answer of `reader` against `oracle` (gtest assertions, non-fatal). `index` is the
// raw index file: postings ids are decoded from it at the ranges the reader returns.
void ExpectMatchesOracle(const IndexHeaderReader& reader, const tsdb::IndexReader& oracle,
                         std::string_view index);

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_INDEX_HEADER_ORACLE_H_
