#include "tsdb/test_index_writer.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "base/crc32c.h"
#include "base/decbuf.h"

namespace charon::tsdb::testing {
namespace {

using base::PutBe32;
using base::PutBe64;
using base::PutUvarint;
using base::PutUvarintBytes;
using base::PutVarint;

void Align(std::string* b, size_t n) {
  while (b->size() % n != 0) b->push_back('\0');
}

void SetBe32(std::string* b, uint64_t pos, uint32_t v) {
  std::string tmp;
  PutBe32(&tmp, v);
  b->replace(pos, 4, tmp);
}

// Appends `len u32 | content | crc` and records the region.
void PutSection(std::string* b, std::string_view content, std::string what,
                std::vector<CrcRegion>* regions) {
  PutBe32(b, static_cast<uint32_t>(content.size()));
  uint64_t start = b->size();
  b->append(content);
  PutBe32(b, base::Crc32c(content));
  if (regions != nullptr)
    regions->push_back({std::move(what), start, content.size(), b->size() - 4});
}

std::string EncodeSeriesBody(const std::vector<std::pair<uint32_t, uint32_t>>& label_refs,
                             const std::vector<ChunkMeta>& chunks) {
  std::string body;
  PutUvarint(&body, label_refs.size());
  for (auto [n, v] : label_refs) {
    PutUvarint(&body, n);
    PutUvarint(&body, v);
  }
  PutUvarint(&body, chunks.size());
  for (size_t i = 0; i < chunks.size(); ++i) {
    const ChunkMeta& c = chunks[i];
    if (i == 0) {
      PutVarint(&body, c.min_time);
      PutUvarint(&body, static_cast<uint64_t>(c.max_time - c.min_time));
      PutUvarint(&body, c.ref);
    } else {
      PutUvarint(&body, static_cast<uint64_t>(c.min_time - chunks[i - 1].max_time));
      PutUvarint(&body, static_cast<uint64_t>(c.max_time - c.min_time));
      PutVarint(&body, static_cast<int64_t>(c.ref - chunks[i - 1].ref));
    }
  }
  return body;
}

}  // namespace

TestIndex BuildTestIndex(std::vector<TestSeries> series, const TestIndexOptions& options) {
  const bool v1 = options.version == 1;
  TestIndex out;
  std::sort(series.begin(), series.end(), [](const TestSeries& a, const TestSeries& b) {
    return CompareLabels(a.labels, b.labels) < 0;
  });
  std::string& b = out.bytes;
  PutBe32(&b, kIndexMagic);
  b.push_back(static_cast<char>(options.version));

  // Symbols.
  std::set<std::string> symset;
  for (const TestSeries& s : series) {
    for (const Label& l : s.labels) {
      symset.insert(l.name);
      symset.insert(l.value);
    }
  }
  out.toc.symbols = b.size();
  std::map<std::string, uint32_t> symref;
  std::string sym;
  PutBe32(&sym, static_cast<uint32_t>(symset.size()));
  uint32_t ordinal = 0;
  for (const std::string& s : symset) {
    // v1 refs are absolute offsets: section start + 4 (len) + position in the content.
    symref[s] = v1 ? static_cast<uint32_t>(out.toc.symbols + 4 + sym.size()) : ordinal;
    ++ordinal;
    PutUvarintBytes(&sym, s);
  }
  PutSection(&b, sym, "symbols", &out.regions);

  // Series.
  out.toc.series = b.size();
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> postings;
  for (const TestSeries& s : series) {
    if (!v1) Align(&b, 16);
    uint64_t ref = v1 ? b.size() : b.size() / 16;
    out.refs.push_back(ref);
    std::vector<std::pair<uint32_t, uint32_t>> refs;
    for (const Label& l : s.labels) {
      refs.emplace_back(symref[l.name], symref[l.value]);
      postings[{l.name, l.value}].push_back(ref);
    }
    postings[{"", ""}].push_back(ref);
    std::string body = EncodeSeriesBody(refs, s.chunks);
    PutUvarint(&b, body.size());
    uint64_t start = b.size();
    b += body;
    PutBe32(&b, base::Crc32c(body));
    out.regions.push_back({"series", start, body.size(), b.size() - 4});
  }
  if (series.empty()) postings[{"", ""}];

  // Legacy label indices: one per name, values as symbol refs.
  std::map<std::string, uint64_t> label_index_offsets;
  Align(&b, 4);
  out.toc.label_indices = b.size();
  if (options.legacy_label_indices) {
    std::map<std::string, std::vector<std::string>> values;
    for (const auto& [key, refs] : postings) {
      if (!key.first.empty()) values[key.first].push_back(key.second);
    }
    for (const auto& [name, vals] : values) {
      Align(&b, 4);
      label_index_offsets[name] = b.size();
      std::string c;
      PutBe32(&c, 1);
      PutBe32(&c, static_cast<uint32_t>(vals.size()));
      for (const std::string& v : vals) PutBe32(&c, symref[v]);
      PutSection(&b, c, "label index", nullptr);
    }
  }

  // Postings lists, the all-postings list first.
  Align(&b, 4);
  out.toc.postings = b.size();
  if (!options.legacy_label_indices) out.toc.label_indices = out.toc.postings;
  std::vector<std::pair<std::pair<std::string, std::string>, uint64_t>> table;
  for (const auto& [key, refs] : postings) {
    Align(&b, 4);
    table.emplace_back(key, b.size());
    std::string c;
    PutBe32(&c, static_cast<uint32_t>(refs.size()));
    for (uint64_t r : refs) PutBe32(&c, static_cast<uint32_t>(r));
    PutSection(&b, c, "postings", &out.regions);
  }

  if (options.legacy_label_indices) {
    Align(&b, 4);
    out.toc.label_offset_table = b.size();
    std::string c;
    PutBe32(&c, static_cast<uint32_t>(label_index_offsets.size()));
    for (const auto& [name, off] : label_index_offsets) {
      PutUvarint(&c, 1);
      PutUvarintBytes(&c, name);
      PutUvarint(&c, off);
    }
    PutSection(&b, c, "label offset table", nullptr);
  }

  if (v1 && options.shuffle_v1_table) {
    std::stable_sort(table.begin(), table.end(), [](const auto& x, const auto& y) {
      if (x.first.first != y.first.first) return x.first.first < y.first.first;
      return x.first.second > y.first.second;
    });
  }
  Align(&b, 4);
  out.toc.postings_table = b.size();
  if (!options.legacy_label_indices) out.toc.label_offset_table = out.toc.postings_table;
  std::string t;
  PutBe32(&t, static_cast<uint32_t>(table.size()));
  for (const auto& [key, off] : table) {
    PutUvarint(&t, 2);
    PutUvarintBytes(&t, key.first);
    PutUvarintBytes(&t, key.second);
    PutUvarint(&t, off);
  }
  PutSection(&b, t, "postings offset table", &out.regions);

  std::string toc;
  for (uint64_t v : {out.toc.symbols, out.toc.series, out.toc.label_indices,
                     out.toc.label_offset_table, out.toc.postings, out.toc.postings_table}) {
    PutBe64(&toc, v);
  }
  uint64_t toc_start = b.size();
  b += toc;
  PutBe32(&b, base::Crc32c(toc));
  out.regions.push_back({"toc", toc_start, 48, toc_start + 48});
  out.series = std::move(series);
  return out;
}

void FixCrc(std::string* bytes, const CrcRegion& r) {
  SetBe32(bytes, r.crc_pos, base::Crc32c(std::string_view(*bytes).substr(r.start, r.len)));
}

void FixTocCrc(std::string* bytes) {
  uint64_t start = bytes->size() - kIndexTocLen;
  SetBe32(bytes, start + 48, base::Crc32c(std::string_view(*bytes).substr(start, 48)));
}

}  // namespace charon::tsdb::testing
