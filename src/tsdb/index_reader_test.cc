#include "tsdb/index_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/decbuf.h"
#include "testing/status_matchers.h"
#include "tsdb/test_index_writer.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;
using ::charon::tsdb::testing::BuildTestIndex;
using ::charon::tsdb::testing::CrcRegion;
using ::charon::tsdb::testing::FixCrc;
using ::charon::tsdb::testing::FixTocCrc;
using ::charon::tsdb::testing::TestIndex;
using ::charon::tsdb::testing::TestIndexOptions;
using ::charon::tsdb::testing::TestSeries;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

absl::StatusOr<std::vector<uint64_t>> ExpandPostingsForTest(Postings& p) {
  std::vector<uint64_t> out;
  while (p.Next()) out.push_back(p.At());
  if (!p.status().ok()) return p.status();
  return out;
}

// `generated` extra series bring enough symbols and values to cross several 32-entry samples.
std::vector<TestSeries> Fixture(int generated = 70) {
  std::vector<TestSeries> s = {
      {{{"__name__", "up"}, {"instance", "i1"}, {"job", "a"}}, {{1000, 2000, 8}, {3000, 4000, 50}}},
      {{{"__name__", "up"}, {"job", "b"}}, {{-100, 100, 90}}},
      {{{"__name__", "cpu"}, {"job", "a"}, {"mode", "idle"}},
       {{0, 10, (uint64_t{1} << 32) | 8}, {20, 30, (uint64_t{1} << 32) | 40}}},
      {{{"__name__", "cpu"}, {"job", "a"}, {"mode", "user"}}, {}},
      {{{"a", "1"}}, {{5, 5, 200}}},
      {{{"utf8.name", "caf\xc3\xa9"}, {"z", "\xff"}}, {{7, 9, 300}}},
  };
  for (int i = 0; i < generated; ++i) {
    s.push_back({{{"__name__", "gen"}, {"i", absl::StrCat("v", 1000 + i)}},
                 {{i * 1000, i * 1000 + 999, 1000 + static_cast<uint64_t>(i) * 20}}});
  }
  return s;
}

struct Variant {
  const char* name;
  TestIndexOptions options;
  int want_version;
};

const Variant kVariants[] = {
    {"v2", {2, false, false}, 2},
    {"v2 legacy label indices", {2, true, false}, 2},
    {"header byte 3", {3, false, false}, 2},
    {"v1", {1, false, false}, 1},
    {"v1 legacy, unsorted table", {1, true, true}, 1},
};

// Expected postings: refs of series carrying each label pair, and all refs under ("", "").
std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> ExpectedPostings(
    const TestIndex& idx) {
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> want;
  for (size_t i = 0; i < idx.series.size(); ++i) {
    want[{"", ""}].push_back(idx.refs[i]);
    for (const Label& l : idx.series[i].labels) want[{l.name, l.value}].push_back(idx.refs[i]);
  }
  return want;
}

TEST(IndexReader, ReadsEveryVariant) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(), v.options);
    ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes));
    EXPECT_EQ(r->Version(), v.want_version);
    EXPECT_EQ(r->Toc().postings_table, idx.toc.postings_table);
    ASSERT_OK(r->CheckAll());

    auto want = ExpectedPostings(idx);
    std::set<std::string> names;
    std::map<std::string, std::vector<std::string>> values;
    for (const auto& [key, refs] : want) {
      if (!key.first.empty()) names.insert(key.first);
      values[key.first].push_back(key.second);
    }
    EXPECT_EQ(r->LabelNames(), std::vector<std::string>(names.begin(), names.end()));
    for (const auto& [name, vals] : values) EXPECT_EQ(r->LabelValues(name), vals) << name;

    for (const auto& [key, refs] : want) {
      SCOPED_TRACE(key.first + "=" + key.second);
      PostingsPtr p = r->Postings(key.first, key.second);
      ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> got, ExpandPostingsForTest(*p));
      EXPECT_EQ(got, refs);

      // The Thanos range starts at #entries and covers at least the list.
      ASSERT_OK_AND_ASSIGN(auto range, r->PostingsRange(key.first, key.second));
      ASSERT_GE(range.second, range.first + 4 + 4 * refs.size());
      base::Decbuf d(std::string_view(idx.bytes).substr(range.first, range.second - range.first));
      EXPECT_EQ(d.Be32(), refs.size());
      for (uint64_t ref : refs) EXPECT_EQ(d.Be32(), ref);
    }

    for (size_t i = 0; i < idx.series.size(); ++i) {
      Labels labels;
      std::vector<ChunkMeta> chunks;
      ASSERT_OK(r->Series(idx.refs[i], &labels, &chunks));
      EXPECT_EQ(labels, idx.series[i].labels);
      EXPECT_EQ(chunks, idx.series[i].chunks);
    }

    EXPECT_THAT(r->LabelValues("nope"), IsEmpty());
    ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> none, r->PostingsRefs("job", "nope"));
    EXPECT_THAT(none, IsEmpty());
    ASSERT_OK_AND_ASSIGN(none, r->PostingsRefs("nope", ""));
    EXPECT_THAT(none, IsEmpty());
    EXPECT_THAT(r->PostingsRange("job", "nope"), StatusIs(absl::StatusCode::kNotFound));

    ASSERT_OK_AND_ASSIGN(std::string_view sym,
                         r->Symbols().Lookup(*r->Symbols().ReverseLookup("utf8.name")));
    EXPECT_EQ(sym, "utf8.name");
  }
}

TEST(IndexReader, LastRangeEndsBeforeTheOffsetTable) {
  TestIndex idx = BuildTestIndex(Fixture());
  ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes));
  ASSERT_OK_AND_ASSIGN(auto range, r->PostingsRange("z", "\xff"));
  EXPECT_EQ(range.second, idx.toc.postings_table - 4);
  ASSERT_OK_AND_ASSIGN(auto all, r->PostingsRange("", ""));
  ASSERT_OK_AND_ASSIGN(auto next, r->PostingsRange("__name__", "cpu"));
  EXPECT_EQ(all.second, next.first - 8);
}

TEST(IndexReader, EmptyIndex) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex({}, v.options);
    ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes));
    EXPECT_THAT(r->LabelNames(), IsEmpty());
    ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> all, r->PostingsRefs("", ""));
    EXPECT_THAT(all, IsEmpty());
    EXPECT_OK(r->CheckAll());
    EXPECT_EQ(r->Symbols().Size(), 0u);
  }
}

TEST(IndexReader, ForcedVersionReadsV2ContentUnderHeaderByteOne) {
  // Prometheus 2.1 wrote v2 content with header byte 1.
  TestIndex idx = BuildTestIndex(Fixture());
  idx.bytes[4] = 1;
  ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes, {.force_version = 2}));
  EXPECT_EQ(r->Version(), 2);
  EXPECT_OK(r->CheckAll());
  // Read as v1 the symbol refs are wrong: the reader notices rather than returning garbage.
  ASSERT_OK_AND_ASSIGN(auto wrong, IndexReader::Open(idx.bytes));
  EXPECT_THAT(wrong->CheckAll(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(IndexReader, PostingsSeek) {
  TestIndex idx = BuildTestIndex(Fixture());
  ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes));
  auto want = ExpectedPostings(idx)[{"", ""}];
  PostingsPtr p = r->Postings("", "");
  ASSERT_TRUE(p->Seek(want[3]));
  EXPECT_EQ(p->At(), want[3]);
  ASSERT_TRUE(p->Seek(want[1]));  // never moves backwards
  EXPECT_EQ(p->At(), want[3]);
  ASSERT_TRUE(p->Seek(want[5] - 1));
  EXPECT_EQ(p->At(), want[5]);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), want[6]);
  EXPECT_FALSE(p->Seek(want.back() + 1));
  EXPECT_FALSE(p->Next());
  EXPECT_OK(p->status());
}

TEST(IndexReader, PostingsForMatchersAgreesWithBruteForce) {
  struct Case {
    std::vector<std::tuple<MatchType, std::string, std::string>> matchers;
  } cases[] = {
      {{{MatchType::kEqual, "__name__", "up"}}},
      {{{MatchType::kEqual, "__name__", "up"}, {MatchType::kEqual, "job", "a"}}},
      {{{MatchType::kEqual, "job", "a"}, {MatchType::kNotEqual, "mode", "idle"}}},
      {{{MatchType::kEqual, "instance", ""}}},
      {{{MatchType::kNotEqual, "instance", ""}}},
      {{{MatchType::kRegexMatch, "i", "v10(0|1|2).*"}}},
      {{{MatchType::kRegexNoMatch, "__name__", "gen|cpu"}}},
      {{{MatchType::kRegexMatch, "__name__", ".+"}, {MatchType::kEqual, "z", "\xff"}}},
      {{{MatchType::kEqual, "z", "\xff"}}},
      {{{MatchType::kEqual, "job", "nope"}}},
      {{{MatchType::kRegexMatch, "nope", ".*"}}},
  };
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(), v.options);
    ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes));
    for (const Case& c : cases) {
      std::vector<Matcher> ms;
      for (const auto& [type, name, value] : c.matchers) {
        ASSERT_OK_AND_ASSIGN(Matcher m, Matcher::Create(type, name, value));
        ms.push_back(std::move(m));
      }
      std::string trace;
      for (const Matcher& m : ms) trace += m.String() + " ";
      SCOPED_TRACE(trace);
      std::vector<uint64_t> want;
      for (size_t i = 0; i < idx.series.size(); ++i) {
        bool all = true;
        for (const Matcher& m : ms) all &= m.Matches(GetLabel(idx.series[i].labels, m.name()));
        if (all) want.push_back(idx.refs[i]);
      }
      ASSERT_OK_AND_ASSIGN(PostingsPtr p, r->PostingsForMatchers(ms));
      ASSERT_OK_AND_ASSIGN(std::vector<uint64_t> got, ExpandPostingsForTest(*p));
      EXPECT_EQ(got, want);
    }
  }
}

TEST(IndexReader, SeriesRefOutsideTheSectionIsDataLoss) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(), v.options);
    ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(idx.bytes));
    Labels labels;
    std::vector<ChunkMeta> chunks;
    for (uint64_t ref : {uint64_t{0}, uint64_t{1}, idx.refs.back() + 1, idx.toc.postings_table,
                         uint64_t{1} << 40, ~uint64_t{0}, idx.refs[0] + 1}) {
      SCOPED_TRACE(ref);
      EXPECT_THAT(r->Series(ref, &labels, &chunks), StatusIs(absl::StatusCode::kDataLoss));
    }
  }
}

// Corruption tests run Open + CheckAll per edited byte: a smaller index keeps them fast while
// still crossing the 32-symbol sampling.
constexpr int kSmall = 16;

// Open + CheckAll, the whole verification a corrupt file can meet.
absl::Status OpenAndCheck(const std::string& bytes) {
  auto r = IndexReader::Open(bytes);
  if (!r.ok()) return r.status();
  return (*r)->CheckAll();
}

TEST(IndexReaderCorruption, EveryTruncationIsDataLoss) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(kSmall), v.options);
    for (size_t n = 0; n < idx.bytes.size(); ++n) {
      SCOPED_TRACE(n);
      ASSERT_THAT(IndexReader::Open(idx.bytes.substr(0, n)), StatusIs(absl::StatusCode::kDataLoss));
    }
  }
}

TEST(IndexReaderCorruption, FlippedBytesInCheckedRegionsAreDataLoss) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(kSmall), v.options);
    std::vector<bool> checked(idx.bytes.size(), false);
    for (size_t i = 0; i < 5; ++i) checked[i] = true;  // magic and version
    for (const CrcRegion& r : idx.regions) {
      for (uint64_t i = r.start; i < r.start + r.len; ++i) checked[i] = true;
      for (uint64_t i = r.crc_pos; i < r.crc_pos + 4; ++i) checked[i] = true;
    }
    for (size_t i = 0; i < idx.bytes.size(); ++i) {
      // One mask per byte, alternating: each edit costs an Open + CheckAll, slow under the
      // sanitizers.
      const int mask = i % 2 == 0 ? 0x01 : 0xFF;
      std::string b = idx.bytes;
      b[i] = static_cast<char>(b[i] ^ mask);
      absl::Status s = OpenAndCheck(b);
      // Version 2 and 3 read alike, so 2 <-> 3 goes unnoticed. Unchecked bytes are padding and
      // the legacy sections nobody reads.
      bool must_detect = checked[i] && !(i == 4 && mask == 0x01 && v.want_version == 2);
      ASSERT_TRUE(s.code() == absl::StatusCode::kDataLoss || (s.ok() && !must_detect))
          << "byte " << i << " mask " << mask << ": " << s;
    }
  }
}

TEST(IndexReaderCorruption, EditsUnderValidChecksumsNeverCrash) {
  // Every byte of every checksummed region changed and its CRC recomputed: the decoders behind the
  // CRCs must cope on their own.
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(kSmall), v.options);
    for (const CrcRegion& r : idx.regions) {
      for (uint64_t i = r.start; i < r.start + r.len; ++i) {
        const int mask = i % 2 == 0 ? 0xFF : 0x01;
        std::string b = idx.bytes;
        b[i] = static_cast<char>(b[i] ^ mask);
        FixCrc(&b, r);
        absl::Status s = OpenAndCheck(b);
        ASSERT_TRUE(s.ok() || s.code() == absl::StatusCode::kDataLoss)
            << r.what << " byte " << i << " mask " << mask << ": " << s;
      }
    }
  }
}

void SetBe64(std::string* b, uint64_t pos, uint64_t v) {
  std::string tmp;
  base::PutBe64(&tmp, v);
  b->replace(pos, 8, tmp);
}

TEST(IndexReaderCorruption, BentTocOffsets) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    TestIndex idx = BuildTestIndex(Fixture(kSmall), v.options);
    const uint64_t size = idx.bytes.size();
    const uint64_t toc = size - kIndexTocLen;
    const uint64_t fields[] = {idx.toc.symbols,       idx.toc.series,
                               idx.toc.label_indices, idx.toc.label_offset_table,
                               idx.toc.postings,      idx.toc.postings_table};
    for (int f = 0; f < 6; ++f) {
      const uint64_t o = fields[f];
      for (uint64_t bent :
           {uint64_t{0}, uint64_t{1}, uint64_t{4}, uint64_t{5}, o - 16, o - 4, o - 1, o + 1, o + 4,
            o + 16, toc - 1, toc, toc + 1, size, size + 1, uint64_t{1} << 32, ~uint64_t{0}}) {
        SCOPED_TRACE(absl::StrCat("field ", f, " = ", bent));
        std::string b = idx.bytes;
        SetBe64(&b, toc + 8 * static_cast<uint64_t>(f), bent);
        FixTocCrc(&b);
        absl::Status s = OpenAndCheck(b);
        ASSERT_THAT(s, AnyOf(IsOk(), StatusIs(absl::StatusCode::kDataLoss)));
        // The symbol table and the offset table must start exactly where the TOC says.
        if ((f == 0 || f == 5) && bent != o) {
          EXPECT_THAT(s, StatusIs(absl::StatusCode::kDataLoss));
        }
      }
    }
  }
}

// The region of the postings list of the all-postings key (the first list written).
const CrcRegion& FirstList(const TestIndex& idx) {
  for (const CrcRegion& r : idx.regions) {
    if (r.what == "postings") return r;
  }
  return idx.regions.front();
}

TEST(IndexReaderCorruption, BentReferencesBehindValidChecksums) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    const TestIndex idx = BuildTestIndex(Fixture(kSmall), v.options);
    const CrcRegion& list = FirstList(idx);
    struct Case {
      const char* name;
      std::function<void(std::string*)> edit;
    } cases[] = {
        {"series ref into the middle of an entry",
         [&](std::string* b) {
           // v2: the next 16-byte slot lies inside the first entry; v1: the entry's second byte.
           std::string ref;
           base::PutBe32(&ref, static_cast<uint32_t>(idx.refs[0] + 1));
           b->replace(list.start + 4, 4, ref);
         }},
        {"series ref past the series section",
         [&](std::string* b) { b->replace(list.start + 4, 4, "\xff\xff\xff\xf0"); }},
        {"refs not ascending",
         [&](std::string* b) { b->replace(list.start + 8, 4, b->substr(list.start + 4, 4)); }},
        {"#entries larger than the list",
         [&](std::string* b) {
           (*b)[list.start + 3] = static_cast<char>((*b)[list.start + 3] + 1);
         }},
    };
    for (const Case& c : cases) {
      SCOPED_TRACE(c.name);
      std::string b = idx.bytes;
      c.edit(&b);
      FixCrc(&b, list);
      EXPECT_THAT(OpenAndCheck(b), StatusIs(absl::StatusCode::kDataLoss));
    }
  }
}

TEST(IndexReaderCorruption, SymbolRefOutOfRangeInSeries) {
  for (const Variant& v : kVariants) {
    SCOPED_TRACE(v.name);
    std::vector<TestSeries> one = {{{{"a", "b"}}, {}}};
    TestIndex idx = BuildTestIndex(one, v.options);
    const CrcRegion* series = nullptr;
    for (const CrcRegion& r : idx.regions) {
      if (r.what == "series") series = &r;
    }
    ASSERT_NE(series, nullptr);
    std::string b = idx.bytes;
    b[series->start + 2] = 0x7f;  // value ref: ordinal 127 / offset 127, neither a symbol
    FixCrc(&b, *series);
    ASSERT_OK_AND_ASSIGN(auto r, IndexReader::Open(b));
    Labels labels;
    std::vector<ChunkMeta> chunks;
    EXPECT_THAT(r->Series(idx.refs[0], &labels, &chunks), StatusIs(absl::StatusCode::kDataLoss));
  }
}

}  // namespace
}  // namespace charon::tsdb
