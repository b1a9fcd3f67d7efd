#include "indexheader/sampled_postings_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "indexheader/file_decoder.h"

namespace charon::indexheader {

namespace {

constexpr size_t kScanReadAhead = 256 << 10;
// Enough for a few dozen typical entries: one pread per lookup.
constexpr size_t kLookupReadAhead = 4096;
constexpr std::string_view kWhat = "postings offset table";

struct Sample {
  std::string value;
  uint64_t table_offset;
};

struct NameSamples {
  std::string name;
  std::vector<Sample> samples;  // first, every N-th, last
  uint64_t values = 0;          // number of values of the name
  uint64_t lists_end = 0;       // end of the name's last list range (lastValOffset)
};

// An entry copied out of the decoder's buffer.
struct OwnedEntry {
  std::string value;
  uint64_t offset = 0;
  uint64_t table_offset = 0;
};

class SampledPostingsTable final : public PostingsTable {
 public:
  SampledPostingsTable(const ReadOnlyFile& file, CheckedTableSection section,
                       std::vector<NameSamples> names)
      : file_(file), section_(section), names_(std::move(names)) {}

  std::vector<std::string> LabelNames() const override {
    std::vector<std::string> out;
    out.reserve(names_.size());
    for (const NameSamples& n : names_) {
      if (!n.name.empty()) out.push_back(n.name);
    }
    return out;
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) const override {
    std::vector<std::string> out;
    const NameSamples* n = Find(name);
    if (n == nullptr) return out;
    out.reserve(n->values);
    FileDecoder d(file_, section_.content_begin, section_.content_end, kWhat, kScanReadAhead);
    d.Seek(n->samples.front().table_offset);
    const uint64_t last = n->samples.back().table_offset;
    PostingsTableEntry e;
    while (ReadPostingsTableEntry(d, &e)) {
      out.emplace_back(e.value);
      if (e.table_offset >= last) break;
    }
    if (!d.ok()) return d.err();
    return out;
  }

  absl::StatusOr<std::vector<std::optional<IndexRange>>> PostingsRanges(
      std::string_view name, std::span<const std::string> values) const override {
    std::vector<std::optional<IndexRange>> out(values.size());
    const NameSamples* n = Find(name);
    if (n == nullptr || values.empty()) return out;
    const std::vector<Sample>& samples = n->samples;
    const uint64_t last = samples.back().table_offset;

    FileDecoder d(file_, section_.content_begin, section_.content_end, kWhat, kLookupReadAhead);
    OwnedEntry cur;
    bool have_cur = false;
    auto read_next = [&]() {
      PostingsTableEntry e;
      if (!ReadPostingsTableEntry(d, &e)) return false;
      cur.value.assign(e.value);
      cur.offset = e.offset;
      cur.table_offset = e.table_offset;
      return true;
    };

    for (size_t i = 0; i < values.size(); ++i) {
      const std::string& v = values[i];
      if (v > samples.back().value) continue;
      auto it = std::upper_bound(samples.begin(), samples.end(), v,
                                 [](const std::string& a, const Sample& b) { return a < b.value; });
      if (it == samples.begin()) continue;
      const Sample& from = *(it - 1);
      // Values come sorted, so the cursor usually already sits between the sample and `v`.
      if (!have_cur || cur.table_offset < from.table_offset || cur.value > v) {
        d.Seek(from.table_offset);
        if (!read_next()) return d.err();
        have_cur = true;
      }
      while (cur.value < v && cur.table_offset < last) {
        if (!read_next()) return d.err();
      }
      if (cur.value != v) continue;
      IndexRange r;
      r.start = static_cast<int64_t>(cur.offset + 4);
      if (cur.table_offset >= last) {
        r.end = static_cast<int64_t>(n->lists_end);
        have_cur = false;
      } else {
        if (!read_next()) return d.err();
        r.end = static_cast<int64_t>(cur.offset) - 4;
      }
      out[i] = r;
    }
    return out;
  }

  size_t MemoryBytes() const override {
    size_t b = sizeof(*this) + names_.capacity() * sizeof(NameSamples);
    for (const NameSamples& n : names_) {
      b += StringHeapBytes(n.name) + n.samples.capacity() * sizeof(Sample);
      for (const Sample& s : n.samples) b += StringHeapBytes(s.value);
    }
    return b;
  }

 private:
  const NameSamples* Find(std::string_view name) const {
    auto it = std::lower_bound(
        names_.begin(), names_.end(), name,
        [](const NameSamples& a, std::string_view b) { return std::string_view(a.name) < b; });
    if (it == names_.end() || it->name != name) return nullptr;
    return &*it;
  }

  const ReadOnlyFile& file_;
  CheckedTableSection section_;
  std::vector<NameSamples> names_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PostingsTable>> OpenSampledPostingsTable(
    const ReadOnlyFile& file, const PostingsTableLayout& layout, int sampling) {
  if (sampling < 1) {
    return absl::InvalidArgumentError(absl::StrCat("postings sampling ", sampling, " < 1"));
  }
  absl::StatusOr<CheckedTableSection> section = CheckPostingsTableSection(file, layout);
  if (!section.ok()) return section.status();

  FileDecoder d(file, section->content_begin, section->content_end, kWhat, kScanReadAhead);
  const uint32_t count = d.Be32();
  std::vector<NameSamples> names;
  // The previous entry, kept so the name's last value can be sampled when the name changes.
  OwnedEntry prev;
  PostingsTableEntry e;
  for (uint32_t i = 0; i < count; ++i) {
    if (!ReadPostingsTableEntry(d, &e)) return d.err();
    CHARON_RETURN_IF_ERROR(CheckListOffset(e, i, layout.index_postings_table));
    if (i > 0 && e.offset < prev.offset + 8) {
      return absl::DataLossError(
          absl::StrCat("postings offset table: list offset ", e.offset, " of entry ", i,
                       " does not follow the previous list at ", prev.offset));
    }
    bool new_name = names.empty() || e.name != names.back().name;
    if (new_name) {
      if (!names.empty()) {
        NameSamples& n = names.back();
        if (e.name < std::string_view(n.name)) {
          return absl::DataLossError(absl::StrCat("postings offset table: label name '",
                                                  base::Absl(e.name), "' out of order"));
        }
        if (n.samples.back().table_offset != prev.table_offset) {
          n.samples.push_back({prev.value, prev.table_offset});
        }
        n.lists_end = e.offset - 4;
      }
      names.push_back({std::string(e.name), {}, 0, 0});
    } else if (e.value <= std::string_view(prev.value)) {
      return absl::DataLossError(absl::StrCat("postings offset table: value '", base::Absl(e.value),
                                              "' of label '", base::Absl(e.name),
                                              "' out of order"));
    }
    NameSamples& n = names.back();
    if (n.values % static_cast<uint64_t>(sampling) == 0) {
      n.samples.push_back({std::string(e.value), e.table_offset});
    }
    ++n.values;
    prev.value.assign(e.value);
    prev.offset = e.offset;
    prev.table_offset = e.table_offset;
  }
  if (!d.ok()) return d.err();
  if (!names.empty()) {
    if (prev.offset + 8 > layout.index_postings_table) {
      return absl::DataLossError(absl::StrCat("postings offset table: last list at ", prev.offset,
                                              " does not end before the table at ",
                                              layout.index_postings_table));
    }
    NameSamples& n = names.back();
    if (n.samples.back().table_offset != prev.table_offset) {
      n.samples.push_back({prev.value, prev.table_offset});
    }
    n.lists_end = layout.index_postings_table - 4;
  }
  for (NameSamples& n : names) n.samples.shrink_to_fit();
  names.shrink_to_fit();
  return std::unique_ptr<PostingsTable>(new SampledPostingsTable(file, *section, std::move(names)));
}

}  // namespace charon::indexheader
