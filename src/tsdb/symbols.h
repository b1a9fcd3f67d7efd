// SymbolTable: the index's sorted, deduplicated string table, over the section content
//
//   #symbols (u32 BE) | { strlen uvarint, bytes } x #symbols
//
// (the bytes CheckedSection returns). A symbol reference is the 0-based ordinal in index format v2
// and the absolute index byte offset of the symbol's strlen uvarint in v1. Like Prometheus, the
// table keeps the position of every 32nd symbol and walks at most 31 strings per lookup.
//
// Immutable after Create, so safe for concurrent use. Views it returns point into the section
// bytes, which must outlive the table.
#ifndef CHARON_TSDB_SYMBOLS_H_
#define CHARON_TSDB_SYMBOLS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::tsdb {

inline constexpr uint32_t kSymbolFactor = 32;

// Decodes the symbol (strlen uvarint + bytes) at the start of `b`; sets *size to its encoded size.
// OutOfRange if `b` ends inside it (a file-backed caller reads more and retries), DataLoss if the
// length uvarint is malformed.
absl::StatusOr<std::string_view> DecodeSymbol(std::string_view b, size_t* size);

class SymbolTable {
 public:
  // `content`: the symbol section's content; `index_version` 1 or 2; `base_offset`: absolute
  // index offset of content[0] (toc.symbols + 4), used to translate v1 references. Walks every
  // symbol once. DataLoss if the count disagrees with the bytes or (v2) the order is not strictly
  // ascending.
  static absl::StatusOr<SymbolTable> Open(std::string_view content, int index_version,
                                          uint64_t base_offset);

  SymbolTable() = default;

  // NotFound if `ref` names no symbol (past the end or, in v1, not the start of one).
  absl::StatusOr<std::string_view> Lookup(uint32_t ref) const;
  // Reference of `s`; NotFound if absent.
  absl::StatusOr<uint32_t> ReverseLookup(std::string_view s) const;

  uint32_t Size() const { return count_; }
  int index_version() const { return version_; }

  // Calls fn(ref, symbol) in table order.
  void ForEach(absl::FunctionRef<void(uint32_t ref, std::string_view symbol)> fn) const;

  // Bytes of memory held beyond the viewed section.
  size_t MemoryBytes() const { return sampled_.capacity() * sizeof(uint32_t); }

 private:
  // Walks from sampled position `sample` to the symbol with ordinal `ordinal`.
  std::string_view Walk(size_t sample, uint32_t ordinal, size_t* pos) const;
  uint32_t RefOf(uint32_t ordinal, size_t pos) const;

  std::string_view content_;
  int version_ = 2;
  uint64_t base_offset_ = 0;
  uint32_t count_ = 0;
  bool sorted_ = true;
  std::vector<uint32_t> sampled_;  // position in content_ of symbols 0, 32, 64, ...
};

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_SYMBOLS_H_
