// IndexReader: a complete reader over an index file held in memory, index format v1 and v2.
//
// It is the reference ("oracle") the index-header readers and the store are tested against, so it
// favours checking over speed: Open verifies the TOC, the symbol table and the postings offset
// table (CRCs, bounds, order); Postings() and Series() verify the CRC of what they read. Corrupt
// bytes give DataLoss, never a crash.
//
// Refs: a series ref is what postings lists hold and what Series() takes: the series id
// (offset / 16) in v2, the byte offset in v1.
//
// Immutable after Open: const methods may be called concurrently. Views and iterators it returns
// point into the reader's bytes and stay valid while the reader lives.
#ifndef CHARON_TSDB_INDEX_READER_H_
#define CHARON_TSDB_INDEX_READER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/index_format.h"
#include "tsdb/labels.h"
#include "tsdb/matcher.h"
#include "tsdb/postings.h"
#include "tsdb/series_entry.h"
#include "tsdb/symbols.h"

namespace charon::tsdb {

struct IndexReaderOptions {
  // Reads the index as this format version whatever its header byte says (0: trust the header).
  // Prometheus 2.1 wrote v2 content under header byte 1 with meta.json "version": 2; pass 2 then.
  int force_version = 0;
};

class IndexReader {
 public:
  // DataLoss if the header, TOC, symbol table or postings offset table is corrupt.
  static absl::StatusOr<std::unique_ptr<IndexReader>> Open(std::string bytes,
                                                           IndexReaderOptions options = {});

  // Format version the content is read as: 1 or 2 (header byte 3 reads as 2).
  int Version() const { return version_; }
  const IndexToc& Toc() const { return toc_; }
  const SymbolTable& Symbols() const { return symbols_; }
  std::string_view bytes() const { return bytes_; }

  // Sorted label names, without the all-postings name "".
  std::vector<std::string> LabelNames() const;
  // Sorted values of `name`; empty if the name is unknown.
  std::vector<std::string> LabelValues(std::string_view name) const;

  // Series refs of the (name, value) list, ascending; an empty iterator if the pair is absent.
  // ("", "") is the list of all series. The iterator reports DataLoss if the list is corrupt
  // (bad CRC, out of bounds, refs not strictly ascending).
  PostingsPtr Postings(std::string_view name, std::string_view value) const;
  // As Postings() but the expanded refs; DataLoss when corrupt.
  absl::StatusOr<std::vector<uint64_t>> PostingsRefs(std::string_view name,
                                                     std::string_view value) const;

  // Series refs selected by all of `matchers`, with Prometheus' PostingsForMatchers semantics
  // (planned by PlanPostings). InvalidArgument from planning (e.g. no matchers); list errors
  // surface through the iterator's status().
  absl::StatusOr<PostingsPtr> PostingsForMatchers(std::span<const Matcher> matchers) const;

  // The byte range a store fetches for the list, as Thanos computes it: [offset + 4, start of the
  // next list - 4), the last list ending at toc.postings_table - 4. Starts at the list's
  // #entries and may over-read padding. NotFound if the pair is absent.
  absl::StatusOr<std::pair<uint64_t, uint64_t>> PostingsRange(std::string_view name,
                                                              std::string_view value) const;

  // Labels (sorted by name) and chunk metas of the series `ref`. DataLoss if the ref points
  // outside the series section, the entry is corrupt, or a symbol ref does not resolve.
  absl::Status Series(uint64_t ref, Labels* labels, std::vector<ChunkMeta>* chunks) const;

  // Reads every postings list and every series of the all-postings list, returning the first
  // error. For fuzzing and offline checks.
  absl::Status CheckAll() const;

 private:
  struct ListRef {
    std::string value;
    uint64_t offset;     // of the list's len field
    uint64_t range_end;  // Thanos range end (exclusive)
  };

  IndexReader() = default;
  absl::Status Init();
  const ListRef* Find(std::string_view name, std::string_view value) const;
  absl::Status ReadList(const ListRef& l, std::vector<uint64_t>* out) const;

  std::string bytes_;
  int version_ = 2;
  IndexToc toc_;
  SymbolTable symbols_;
  uint64_t series_end_ = 0;
  // name -> lists sorted by value.
  std::map<std::string, std::vector<ListRef>, std::less<>> postings_;
};

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_INDEX_READER_H_
