#include "tsdb/symbols.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "base/decbuf.h"
#include "testing/status_matchers.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;

std::string Content(const std::vector<std::string>& symbols) {
  std::string b;
  base::PutBe32(&b, static_cast<uint32_t>(symbols.size()));
  for (const std::string& s : symbols) base::PutUvarintBytes(&b, s);
  return b;
}

std::vector<std::string> ManySymbols(int n) {
  std::vector<std::string> out;
  out.push_back("");  // the empty string sorts first and is a valid symbol
  for (int i = 1; i < n; ++i) out.push_back(absl::StrFormat("sym%05d", i));
  return out;
}

TEST(SymbolTable, V2OrdinalsAcrossSamples) {
  for (int n : {0, 1, 31, 32, 33, 64, 100}) {
    SCOPED_TRACE(n);
    std::vector<std::string> syms = ManySymbols(n);
    std::string content = Content(syms);
    ASSERT_OK_AND_ASSIGN(SymbolTable t, SymbolTable::Open(content, 2, 9));
    EXPECT_EQ(t.Size(), static_cast<uint32_t>(syms.size()));
    for (uint32_t i = 0; i < syms.size(); ++i) {
      ASSERT_OK_AND_ASSIGN(std::string_view s, t.Lookup(i));
      EXPECT_EQ(s, syms[i]);
      ASSERT_OK_AND_ASSIGN(uint32_t ref, t.ReverseLookup(syms[i]));
      EXPECT_EQ(ref, i);
    }
    EXPECT_THAT(t.Lookup(static_cast<uint32_t>(syms.size())),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(t.ReverseLookup("sym00000x"), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(t.ReverseLookup("zzz"), StatusIs(absl::StatusCode::kNotFound));
    std::vector<std::string> seen;
    t.ForEach([&](uint32_t ref, std::string_view s) {
      EXPECT_EQ(ref, seen.size());
      seen.emplace_back(s);
    });
    EXPECT_EQ(seen, syms);
  }
}

TEST(SymbolTable, V1RefsAreAbsoluteOffsets) {
  // As in a real v1 file: header (5) + len (4) + count (4) puts the first symbol at 13.
  std::vector<std::string> syms = ManySymbols(70);
  std::string content = Content(syms);
  ASSERT_OK_AND_ASSIGN(SymbolTable t, SymbolTable::Open(content, 1, 9));
  ASSERT_OK_AND_ASSIGN(std::string_view first, t.Lookup(13));
  EXPECT_EQ(first, "");
  uint32_t ref = 13;
  for (const std::string& s : syms) {
    ASSERT_OK_AND_ASSIGN(std::string_view got, t.Lookup(ref));
    EXPECT_EQ(got, s);
    ASSERT_OK_AND_ASSIGN(uint32_t back, t.ReverseLookup(s));
    EXPECT_EQ(back, ref);
    ref += 1 + static_cast<uint32_t>(s.size());
  }
  // Inside a symbol, before the table, in the count, past the end.
  for (uint32_t bad : {16u, 0u, 9u, 12u, ref, ref + 100}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(t.Lookup(bad), StatusIs(absl::StatusCode::kNotFound));
  }
}

TEST(SymbolTable, V1UnsortedFallsBackToScanning) {
  std::string content = Content({"b", "a", "c"});
  EXPECT_THAT(SymbolTable::Open(content, 2, 9), StatusIs(absl::StatusCode::kDataLoss));
  ASSERT_OK_AND_ASSIGN(SymbolTable t, SymbolTable::Open(content, 1, 9));
  ASSERT_OK_AND_ASSIGN(uint32_t ref, t.ReverseLookup("a"));
  EXPECT_EQ(ref, 15u);
}

TEST(SymbolTable, CorruptContentIsDataLoss) {
  struct Case {
    const char* name;
    std::string content;
  } cases[] = {
      {"empty", ""},
      {"short count", std::string("\0\0\0", 3)},
      {"count beyond bytes", Content({"a", "b"}).replace(3, 1, "\x09")},
      {"string runs past end", Content({"a", "bcd"}).substr(0, 8)},
      {"duplicate", Content({"a", "a"})},
      {"malformed uvarint", std::string("\0\0\0\1\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 14)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(SymbolTable::Open(c.content, 2, 9), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST(DecodeSymbol, TruncatedVersusMalformed) {
  size_t n = 0;
  ASSERT_OK_AND_ASSIGN(std::string_view s, DecodeSymbol("\x03"
                                                        "abcdef",
                                                        &n));
  EXPECT_EQ(s, "abc");
  EXPECT_EQ(n, 4u);
  EXPECT_THAT(DecodeSymbol("\x03"
                           "ab",
                           &n),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(DecodeSymbol("\x83", &n), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(DecodeSymbol("", &n), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(DecodeSymbol(std::string(11, '\xff'), &n), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace charon::tsdb
