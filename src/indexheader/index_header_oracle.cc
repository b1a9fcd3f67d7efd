#include "indexheader/index_header_oracle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "objstore/filesystem_bucket.h"
#include "testing/status_matchers.h"

namespace charon::indexheader {

using ::charon::testing::IsOk;
using ::charon::testing::StatusIs;

std::string ExpectedIndexHeader(std::string_view index) {
  const size_t n = index.size();
  std::string_view toc = index.substr(n - 52);
  const uint64_t symbols = base::LoadBe64(toc.data());
  const uint64_t series = base::LoadBe64(toc.data() + 8);
  const uint64_t postings_table = base::LoadBe64(toc.data() + 40);
  std::string out;
  base::PutBe32(&out, 0xBAAAD792);
  out.push_back(1);
  out.push_back(index[4]);
  base::PutBe64(&out, postings_table);
  out.append(index.substr(symbols, series - symbols));
  out.append(index.substr(postings_table));
  std::string trailer;
  base::PutBe64(&trailer, 14);
  base::PutBe64(&trailer, 14 + series - symbols);
  base::PutBe32(&trailer, base::Crc32c(trailer));
  return out + trailer;
}

std::unique_ptr<objstore::Bucket> MakeFilesystemBucket(const std::string& root) {
  absl::StatusOr<std::unique_ptr<objstore::FilesystemBucket>> b =
      objstore::FilesystemBucket::Open(root);
  if (!b.ok()) {
    ADD_FAILURE() << b.status();
    return nullptr;
  }
  return *std::move(b);
}

namespace {

// Ids of the postings list whose #entries starts `range`.
std::vector<uint64_t> DecodeList(std::string_view index, const IndexRange& range) {
  std::vector<uint64_t> ids;
  if (range.start < 0 || range.end < range.start || static_cast<size_t>(range.end) > index.size()) {
    ADD_FAILURE() << "range [" << range.start << ", " << range.end << ") outside the index";
    return ids;
  }
  base::Decbuf d(index.substr(range.start, range.end - range.start));
  uint32_t n = d.Be32();
  for (uint32_t i = 0; i < n && d.ok(); ++i) ids.push_back(d.Be32());
  EXPECT_OK(d.err());
  return ids;
}

}  // namespace

void ExpectMatchesOracle(const IndexHeaderReader& reader, const tsdb::IndexReader& oracle,
                         std::string_view index) {
  EXPECT_EQ(reader.IndexVersion(), oracle.Version());
  EXPECT_EQ(static_cast<uint64_t>(reader.PostingsTableOffset()), oracle.Toc().postings_table);

  absl::StatusOr<std::vector<std::string>> names = reader.LabelNames();
  ASSERT_OK(names);
  EXPECT_EQ(*names, oracle.LabelNames());

  std::vector<std::string> all_names = *names;
  all_names.insert(all_names.begin(), "");
  for (const std::string& name : all_names) {
    SCOPED_TRACE("label " + name);
    std::vector<std::string> values = oracle.LabelValues(name);
    if (name.empty()) {
      values = {""};
    } else {
      absl::StatusOr<std::vector<std::string>> got = reader.LabelValues(name);
      ASSERT_OK(got);
      EXPECT_EQ(*got, values);
    }

    // Present values interleaved with absent neighbours, in ascending order as the contract asks.
    std::vector<std::string> probes = {"", std::string("\xff\xff\xff")};
    for (const std::string& v : values) {
      probes.push_back(v);
      probes.push_back(v + '\0');
    }
    std::sort(probes.begin(), probes.end());
    probes.erase(std::unique(probes.begin(), probes.end()), probes.end());
    absl::StatusOr<std::vector<std::optional<IndexRange>>> ranges =
        reader.PostingsRanges(name, probes);
    ASSERT_OK(ranges);
    ASSERT_EQ(ranges->size(), probes.size());
    for (size_t i = 0; i < probes.size(); ++i) {
      absl::StatusOr<std::pair<uint64_t, uint64_t>> want = oracle.PostingsRange(name, probes[i]);
      if (!want.ok()) {
        EXPECT_THAT(want, StatusIs(absl::StatusCode::kNotFound));
        EXPECT_FALSE((*ranges)[i].has_value()) << "value '" << probes[i] << "'";
        continue;
      }
      ASSERT_TRUE((*ranges)[i].has_value()) << "value '" << probes[i] << "'";
      const IndexRange& got = *(*ranges)[i];
      EXPECT_EQ(static_cast<uint64_t>(got.start), want->first) << probes[i];
      EXPECT_EQ(static_cast<uint64_t>(got.end), want->second) << probes[i];
      absl::StatusOr<std::vector<uint64_t>> refs = oracle.PostingsRefs(name, probes[i]);
      ASSERT_OK(refs);
      EXPECT_EQ(DecodeList(index, got), *refs) << probes[i];
    }
  }
  EXPECT_THAT(reader.LabelValues("no such label"), IsOk());
  EXPECT_TRUE(reader.LabelValues("no such label")->empty());

  size_t symbols = 0;
  oracle.Symbols().ForEach([&](uint32_t ref, std::string_view symbol) {
    ++symbols;
    absl::StatusOr<std::string> got = reader.LookupSymbol(ref);
    if (!got.ok() || *got != symbol) {
      ADD_FAILURE() << "symbol " << ref << ": " << got.status() << " want '" << symbol << "'";
    }
  });
  EXPECT_EQ(symbols, oracle.Symbols().Size());
  if (oracle.Version() == 2) {
    EXPECT_THAT(reader.LookupSymbol(oracle.Symbols().Size()),
                StatusIs(absl::StatusCode::kNotFound));
  }
}

}  // namespace charon::indexheader
