// Test-only writer of small index files (format v1 and v2) in the layout Prometheus writes, plus
// the map of checksummed regions that corrupt-input tests aim at.
#ifndef CHARON_TSDB_TEST_INDEX_WRITER_H_
#define CHARON_TSDB_TEST_INDEX_WRITER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/index_format.h"
#include "tsdb/labels.h"
#include "tsdb/series_entry.h"

namespace charon::tsdb::testing {

struct TestSeries {
  Labels labels;  // sorted by name
  std::vector<ChunkMeta> chunks;
};

struct TestIndexOptions {
  int version = 2;  // header byte written; 1 also switches to v1 refs and layout
  // Legacy label indices and label offset table, as written before Prometheus 3.7.
  bool legacy_label_indices = false;
  // v1 only: write each name's offset-table entries in reverse value order (v1 tables are not
  // sorted on disk).
  bool shuffle_v1_table = false;
};

// A len-prefixed (or uvarint-prefixed) region the reader checks: content [start, start + len),
// CRC at crc_pos.
struct CrcRegion {
  std::string what;
  uint64_t start = 0;
  uint64_t len = 0;
  uint64_t crc_pos = 0;
};

struct TestIndex {
  std::string bytes;
  IndexToc toc;
  std::vector<TestSeries> series;  // sorted by labels
  std::vector<uint64_t> refs;      // series ref of series[i]
  std::vector<CrcRegion> regions;  // every region IndexReader::Open + CheckAll verify
};

TestIndex BuildTestIndex(std::vector<TestSeries> series, const TestIndexOptions& options = {});

// Recomputes the CRC of `r` after its content was edited.
void FixCrc(std::string* bytes, const CrcRegion& r);
// Recomputes the TOC CRC.
void FixTocCrc(std::string* bytes);

}  // namespace charon::tsdb::testing

#endif  // CHARON_TSDB_TEST_INDEX_WRITER_H_
