#include "tsdb/index_reader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "tsdb/postings_offset_table.h"
#include "tsdb/postings_plan.h"

namespace charon::tsdb {
namespace {

absl::Status AsDataLoss(const absl::Status& s, std::string_view what) {
  return absl::DataLossError(absl::StrCat("index: ", base::Absl(what), ": ", s.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<IndexReader>> IndexReader::Open(std::string bytes,
                                                               IndexReaderOptions options) {
  std::unique_ptr<IndexReader> r(new IndexReader());
  r->bytes_ = std::move(bytes);
  CHARON_ASSIGN_OR_RETURN(r->version_, DecodeIndexHeader(r->bytes_));
  if (options.force_version == 1 || options.force_version == 2) {
    r->version_ = options.force_version;
  }
  CHARON_RETURN_IF_ERROR(r->Init());
  return r;
}

absl::Status IndexReader::Init() {
  const std::string_view b = bytes_;
  if (b.size() < kIndexHeaderLen + kIndexTocLen) {
    return absl::DataLossError(absl::StrCat("index: size ", b.size(), " too small"));
  }
  CHARON_ASSIGN_OR_RETURN(toc_, DecodeIndexToc(b.substr(b.size() - kIndexTocLen)));
  CHARON_RETURN_IF_ERROR(ValidateToc(toc_, b.size()));

  // The series section ends where the next section written after it starts: the legacy label
  // indices if any, else the postings. TOC fields that point elsewhere are ignored.
  series_end_ = toc_.postings_table;
  for (uint64_t off : {toc_.label_indices, toc_.postings, toc_.label_offset_table}) {
    if (off >= toc_.series && off < series_end_) series_end_ = off;
  }

  CHARON_ASSIGN_OR_RETURN(
      std::string_view sym,
      CheckedSection(b.substr(toc_.symbols, toc_.series - toc_.symbols), "symbol table"));
  CHARON_ASSIGN_OR_RETURN(symbols_, SymbolTable::Open(sym, version_, toc_.symbols + 4));

  uint64_t table_end = b.size() - kIndexTocLen;
  CHARON_ASSIGN_OR_RETURN(
      std::string_view table,
      CheckedSection(b.substr(toc_.postings_table, table_end - toc_.postings_table),
                     "postings offset table"));
  std::string_view prev_name, prev_value;
  bool first = true;
  std::vector<uint64_t> offsets;
  CHARON_RETURN_IF_ERROR(WalkPostingsOffsetTable(table, [&](const PostingsOffsetEntry& e) {
    // Smallest list: len, #entries, CRC.
    if (e.offset < series_end_ || e.offset > toc_.postings_table ||
        toc_.postings_table - e.offset < 12) {
      return absl::DataLossError(
          absl::StrCat("index: postings list offset ", e.offset, " outside the postings section"));
    }
    if (version_ >= 2 && !first && std::tie(prev_name, prev_value) >= std::tie(e.name, e.value)) {
      return absl::DataLossError(
          absl::StrCat("index: postings offset table out of order at entry ", e.ordinal));
    }
    first = false;
    prev_name = e.name;
    prev_value = e.value;
    auto it = postings_.find(e.name);
    if (it == postings_.end()) it = postings_.emplace(std::string(e.name), 0).first;
    it->second.push_back(ListRef{std::string(e.value), e.offset, 0});
    offsets.push_back(e.offset);
    return absl::OkStatus();
  }));

  // v1 tables are unsorted: order each name's values, and refuse duplicates either way.
  for (auto& [name, lists] : postings_) {
    if (version_ < 2) {
      std::sort(lists.begin(), lists.end(),
                [](const ListRef& x, const ListRef& y) { return x.value < y.value; });
      for (size_t i = 1; i < lists.size(); ++i) {
        if (lists[i - 1].value == lists[i].value) {
          return absl::DataLossError("index: duplicate postings offset table entry");
        }
      }
    }
  }

  std::sort(offsets.begin(), offsets.end());
  for (auto& [name, lists] : postings_) {
    for (ListRef& l : lists) {
      auto next = std::upper_bound(offsets.begin(), offsets.end(), l.offset);
      l.range_end = (next == offsets.end() ? toc_.postings_table : *next) - 4;
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> IndexReader::LabelNames() const {
  std::vector<std::string> names;
  names.reserve(postings_.size());
  for (const auto& [name, lists] : postings_) {
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

std::vector<std::string> IndexReader::LabelValues(std::string_view name) const {
  std::vector<std::string> values;
  auto it = postings_.find(name);
  if (it == postings_.end()) return values;
  values.reserve(it->second.size());
  for (const ListRef& l : it->second) values.push_back(l.value);
  return values;
}

const IndexReader::ListRef* IndexReader::Find(std::string_view name, std::string_view value) const {
  auto it = postings_.find(name);
  if (it == postings_.end()) return nullptr;
  const std::vector<ListRef>& lists = it->second;
  auto l = std::lower_bound(lists.begin(), lists.end(), value,
                            [](const ListRef& x, std::string_view v) { return x.value < v; });
  if (l == lists.end() || l->value != value) return nullptr;
  return &*l;
}

absl::Status IndexReader::ReadList(const ListRef& l, std::vector<uint64_t>* out) const {
  std::string_view b = bytes_;
  CHARON_ASSIGN_OR_RETURN(
      std::string_view content,
      CheckedSection(b.substr(l.offset, toc_.postings_table - l.offset), "postings list"));
  base::Decbuf d(content);
  uint32_t n = d.Be32();
  if (!d.ok() || d.Len() != uint64_t{n} * 4) {
    return absl::DataLossError(
        absl::StrCat("index: postings list at ", l.offset, ": length disagrees with #entries"));
  }
  out->clear();
  out->reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t ref = d.Be32();
    if (!out->empty() && ref <= out->back()) {
      return absl::DataLossError(
          absl::StrCat("index: postings list at ", l.offset, ": refs not ascending"));
    }
    out->push_back(ref);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> IndexReader::PostingsRefs(std::string_view name,
                                                                std::string_view value) const {
  std::vector<uint64_t> refs;
  const ListRef* l = Find(name, value);
  if (l != nullptr) CHARON_RETURN_IF_ERROR(ReadList(*l, &refs));
  return refs;
}

PostingsPtr IndexReader::Postings(std::string_view name, std::string_view value) const {
  absl::StatusOr<std::vector<uint64_t>> refs = PostingsRefs(name, value);
  if (!refs.ok()) return ErrPostings(refs.status());
  return ListPostings(*std::move(refs));
}

absl::StatusOr<PostingsPtr> IndexReader::PostingsForMatchers(
    std::span<const Matcher> matchers) const {
  CHARON_ASSIGN_OR_RETURN(
      PostingsPlan plan,
      PlanPostings(matchers,
                   [this](std::string_view name) -> absl::StatusOr<std::vector<std::string>> {
                     return LabelValues(name);
                   }));
  if (plan.empty) return EmptyPostings();
  return CombinePlan(plan, [this](const std::string& name, const std::string& value) {
    return Postings(name, value);
  });
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> IndexReader::PostingsRange(
    std::string_view name, std::string_view value) const {
  const ListRef* l = Find(name, value);
  if (l == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no postings for ", base::Absl(name), "=", base::Absl(value)));
  }
  return std::make_pair(l->offset + 4, l->range_end);
}

absl::Status IndexReader::Series(uint64_t ref, Labels* labels,
                                 std::vector<ChunkMeta>* chunks) const {
  labels->clear();
  chunks->clear();
  if (ref > bytes_.size() || SeriesOffset(ref, version_) < toc_.series ||
      SeriesOffset(ref, version_) >= series_end_) {
    return absl::DataLossError(
        absl::StrCat("index: series ref ", ref, " outside the series section"));
  }
  uint64_t off = SeriesOffset(ref, version_);
  SeriesEntry e;
  absl::Status s = DecodeSeriesEntry(std::string_view(bytes_).substr(off, series_end_ - off), &e);
  if (!s.ok()) return AsDataLoss(s, absl::StrCat("series ", ref));
  labels->reserve(e.label_refs.size());
  for (const auto& [name_ref, value_ref] : e.label_refs) {
    absl::StatusOr<std::string_view> name = symbols_.Lookup(name_ref);
    absl::StatusOr<std::string_view> value = symbols_.Lookup(value_ref);
    if (!name.ok()) return AsDataLoss(name.status(), absl::StrCat("series ", ref));
    if (!value.ok()) return AsDataLoss(value.status(), absl::StrCat("series ", ref));
    if (!labels->empty() && labels->back().name >= *name) {
      return absl::DataLossError(absl::StrCat("index: series ", ref, ": labels not sorted"));
    }
    labels->push_back(Label{std::string(*name), std::string(*value)});
  }
  *chunks = std::move(e.chunks);
  return absl::OkStatus();
}

absl::Status IndexReader::CheckAll() const {
  std::vector<uint64_t> refs;
  for (const auto& [name, lists] : postings_) {
    for (const ListRef& l : lists) CHARON_RETURN_IF_ERROR(ReadList(l, &refs));
  }
  CHARON_ASSIGN_OR_RETURN(refs, PostingsRefs("", ""));
  Labels labels;
  std::vector<ChunkMeta> chunks;
  for (uint64_t ref : refs) CHARON_RETURN_IF_ERROR(Series(ref, &labels, &chunks));
  return absl::OkStatus();
}

}  // namespace charon::tsdb
