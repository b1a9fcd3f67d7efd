#include "indexheader/full_postings_table.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "indexheader/file_decoder.h"

namespace charon::indexheader {

namespace {

constexpr size_t kScanReadAhead = 256 << 10;

using ValueRanges = std::map<std::string, IndexRange, std::less<>>;

class FullPostingsTable final : public PostingsTable {
 public:
  explicit FullPostingsTable(std::map<std::string, ValueRanges, std::less<>> names)
      : names_(std::move(names)) {}

  std::vector<std::string> LabelNames() const override {
    std::vector<std::string> out;
    out.reserve(names_.size());
    for (const auto& [name, values] : names_) {
      if (!name.empty()) out.push_back(name);
    }
    return out;
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) const override {
    std::vector<std::string> out;
    auto it = names_.find(name);
    if (it == names_.end()) return out;
    out.reserve(it->second.size());
    for (const auto& [value, range] : it->second) out.push_back(value);
    return out;
  }

  absl::StatusOr<std::vector<std::optional<IndexRange>>> PostingsRanges(
      std::string_view name, std::span<const std::string> values) const override {
    std::vector<std::optional<IndexRange>> out(values.size());
    auto it = names_.find(name);
    if (it == names_.end()) return out;
    for (size_t i = 0; i < values.size(); ++i) {
      auto v = it->second.find(values[i]);
      if (v != it->second.end()) out[i] = v->second;
    }
    return out;
  }

  size_t MemoryBytes() const override {
    // A std::map node holds the key/value pair plus about four pointers of bookkeeping.
    constexpr size_t kNodeOverhead = 4 * sizeof(void*);
    size_t b = sizeof(*this);
    for (const auto& [name, values] : names_) {
      b += kNodeOverhead + sizeof(std::string) + sizeof(ValueRanges) + StringHeapBytes(name);
      for (const auto& [value, range] : values) {
        b += kNodeOverhead + sizeof(std::string) + sizeof(IndexRange) + StringHeapBytes(value);
      }
    }
    return b;
  }

 private:
  std::map<std::string, ValueRanges, std::less<>> names_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PostingsTable>> OpenFullPostingsTable(
    const ReadOnlyFile& file, const PostingsTableLayout& layout) {
  absl::StatusOr<CheckedTableSection> section = CheckPostingsTableSection(file, layout);
  if (!section.ok()) return section.status();

  FileDecoder d(file, section->content_begin, section->content_end, "postings offset table",
                kScanReadAhead);
  const uint32_t count = d.Be32();
  std::map<std::string, ValueRanges, std::less<>> names;
  std::vector<uint64_t> list_offsets;
  PostingsTableEntry e;
  for (uint32_t i = 0; i < count; ++i) {
    if (!ReadPostingsTableEntry(d, &e)) return d.err();
    CHARON_RETURN_IF_ERROR(CheckListOffset(e, i, layout.index_postings_table));
    auto name_it = names.find(e.name);
    if (name_it == names.end()) name_it = names.emplace(std::string(e.name), ValueRanges()).first;
    // A repeated pair keeps its last occurrence, as a map assignment would. `end` temporarily
    // holds the list offset.
    IndexRange& r = name_it->second[std::string(e.value)];
    r.start = static_cast<int64_t>(e.offset);
    list_offsets.push_back(e.offset);
  }
  if (!d.ok()) return d.err();
  // A list ends where the next list in the file begins. The table order is not the file order in
  // every v1 index, so the offsets are sorted rather than taken from the next table entry.
  std::sort(list_offsets.begin(), list_offsets.end());
  for (auto& [name, values] : names) {
    for (auto& [value, r] : values) {
      uint64_t offset = static_cast<uint64_t>(r.start);
      auto next = std::upper_bound(list_offsets.begin(), list_offsets.end(), offset);
      uint64_t next_offset = next == list_offsets.end() ? layout.index_postings_table : *next;
      r.start = static_cast<int64_t>(offset + 4);
      r.end = static_cast<int64_t>(next_offset - 4);
    }
  }
  return std::unique_ptr<PostingsTable>(new FullPostingsTable(std::move(names)));
}

}  // namespace charon::indexheader
