// Builds the Thanos binary index-header (format v1) of a block from its index in a bucket, reading
// only the header, the TOC, the symbol table and the postings offset table (range reads, 16 MiB
// parts fetched in parallel). The output is byte-identical to what Thanos writes:
//
//   magic 0xBAAAD792 (u32 BE) | version 1 | index version (1 byte) | postings table offset (u64 BE)
//   | index[toc.symbols, toc.series) | index[toc.postings_table, end of index)
//   | TOC: symbols offset (u64 BE, =14) | postings offset table offset (u64 BE) | crc32c over 16
//   bytes
//
// The file is written as `<path>.tmp`, fsynced and renamed to `path`, so a crash never leaves a
// partial index-header behind, and no error leaves the .tmp file behind.
//
// Thread-safe as long as concurrent builds write different paths (the bucket must be thread-safe,
// as every Bucket is).
#ifndef CHARON_INDEXHEADER_INDEX_HEADER_BUILDER_H_
#define CHARON_INDEXHEADER_INDEX_HEADER_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "objstore/bucket.h"

namespace charon::indexheader {

inline constexpr uint32_t kIndexHeaderMagic = 0xBAAAD792;

struct IndexHeaderBuildOptions {
  // Size of each range GET (Thanos: 16 MiB).
  int64_t part_size = int64_t{16} << 20;
  // Range GETs in flight at once.
  int concurrency = 4;
};

// Reads `<block_id>/index` from `bucket` and writes the index-header to `path` (parent directory
// must exist). The copied symbol table and postings offset table are CRC-checked on the way.
// DataLoss if the index is corrupt (bad magic/version/TOC CRC, offsets out of range, a section
// that does not fit or fails its CRC, an object shorter than its attributes say); bucket errors are
// passed through; Unavailable/NotFound for local file errors.
[[nodiscard]] absl::Status BuildIndexHeader(objstore::Bucket& bucket, std::string_view block_id,
                                            const std::string& path,
                                            const IndexHeaderBuildOptions& options = {});

}  // namespace charon::indexheader

#endif  // CHARON_INDEXHEADER_INDEX_HEADER_BUILDER_H_
