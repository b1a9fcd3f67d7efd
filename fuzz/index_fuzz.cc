// Index bytes of any shape: the reader must answer or report DataLoss, never crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/index_reader.h"
#include "tsdb/matcher.h"
#include "tsdb/postings_offset_table.h"
#include "tsdb/series_entry.h"
#include "tsdb/symbols.h"

namespace {

using namespace charon::tsdb;

void ExerciseReader(const IndexReader& r) {
  (void)r.CheckAll();
  for (const std::string& name : r.LabelNames()) {
    for (const std::string& value : r.LabelValues(name)) {
      (void)r.PostingsRange(name, value);
      PostingsPtr p = r.Postings(name, value);
      while (p->Next()) {
        Labels labels;
        std::vector<ChunkMeta> chunks;
        (void)r.Series(p->At(), &labels, &chunks);
      }
    }
  }
  std::vector<std::string> names = r.LabelNames();
  if (!names.empty()) {
    std::vector<Matcher> ms;
    auto add = [&](MatchType type, std::string value) {
      auto m = Matcher::Create(type, names.front(), std::move(value));
      if (m.ok()) ms.push_back(*std::move(m));
    };
    add(MatchType::kRegexMatch, ".+");
    add(MatchType::kNotEqual, names.back());
    auto p = r.PostingsForMatchers(ms);
    if (p.ok()) {
      while ((*p)->Next()) {
      }
    }
  }
  const SymbolTable& syms = r.Symbols();
  syms.ForEach([&](uint32_t ref, std::string_view s) {
    auto back = syms.ReverseLookup(s);
    auto fwd = syms.Lookup(ref);
    if (!fwd.ok() || *fwd != s) __builtin_trap();
    (void)back;
  });
  (void)syms.Lookup(0);
  (void)syms.Lookup(13);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  for (int force : {0, 1, 2}) {
    auto r = IndexReader::Open(std::string(in), {.force_version = force});
    if (r.ok()) ExerciseReader(**r);
  }

  // The section decoders on raw input too, so the fuzzer reaches them without valid framing.
  SeriesEntry e;
  (void)DecodeSeriesEntry(in, &e);
  (void)SeriesEntrySize(in);
  for (int version : {1, 2}) {
    auto t = SymbolTable::Open(in, version, 9);
    if (t.ok()) {
      (void)t->ReverseLookup("a");
      (void)t->Lookup(1);
    }
  }
  (void)WalkPostingsOffsetTable(in, [](const PostingsOffsetEntry&) { return absl::OkStatus(); });
  return 0;
}
