#include "tsdb/postings_offset_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>

#include "base/decbuf.h"
#include "testing/status_matchers.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;

struct E {
  std::string name, value;
  uint64_t offset;
  bool operator==(const E&) const = default;
};

std::string Table(const std::vector<E>& entries, uint64_t keycount = 2) {
  std::string b;
  base::PutBe32(&b, static_cast<uint32_t>(entries.size()));
  for (const E& e : entries) {
    base::PutUvarint(&b, keycount);
    base::PutUvarintBytes(&b, e.name);
    base::PutUvarintBytes(&b, e.value);
    base::PutUvarint(&b, e.offset);
  }
  return b;
}

const std::vector<E> kEntries = {
    {"", "", 100}, {"a", "1", 120}, {"a", "2", 1u << 20}, {"job", "x", uint64_t{1} << 40}};

TEST(WalkPostingsOffsetTable, VisitsEveryEntryWithPositions) {
  std::string content = Table(kEntries);
  std::vector<E> got;
  std::vector<PostingsOffsetEntry> raw;
  ASSERT_OK(WalkPostingsOffsetTable(content, [&](const PostingsOffsetEntry& e) {
    got.push_back({std::string(e.name), std::string(e.value), e.offset});
    raw.push_back(e);
    return absl::OkStatus();
  }));
  EXPECT_EQ(got, kEntries);
  EXPECT_EQ(raw[0].position, 4u);
  EXPECT_EQ(raw[0].ordinal, 0u);
  EXPECT_EQ(raw[1].position, 4u + 4u);  // 02 00 00 64
  EXPECT_EQ(raw[3].ordinal, 3u);

  // Resuming at a reported position continues from there.
  PostingsOffsetTableIterator it(content, raw[2].position, raw[2].ordinal);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.At().value, "2");
  EXPECT_EQ(it.At().position, raw[2].position);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.At().name, "job");
  EXPECT_FALSE(it.Next());
  EXPECT_OK(it.status());
  EXPECT_EQ(it.NumEntries(), 4u);
}

TEST(WalkPostingsOffsetTable, CallbackErrorStopsTheWalk) {
  int calls = 0;
  absl::Status s = WalkPostingsOffsetTable(Table(kEntries), [&](const PostingsOffsetEntry&) {
    return ++calls == 2 ? absl::CancelledError("stop") : absl::OkStatus();
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(calls, 2);
}

TEST(WalkPostingsOffsetTable, CorruptTablesAreDataLoss) {
  std::string good = Table(kEntries);
  auto walk = [](std::string_view c) {
    return WalkPostingsOffsetTable(c, [](const PostingsOffsetEntry&) { return absl::OkStatus(); });
  };
  for (size_t n = 0; n < good.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_THAT(walk(std::string_view(good).substr(0, n)), StatusIs(absl::StatusCode::kDataLoss));
  }
  EXPECT_THAT(walk(Table(kEntries, 1)), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(walk(Table(kEntries, 3)), StatusIs(absl::StatusCode::kDataLoss));
  std::string more = good;
  more[3] = 5;  // claims one entry more than present
  EXPECT_THAT(walk(more), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(PostingsOffsetTableIterator(good, 2, 0).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(PostingsOffsetTableIterator(good, good.size() + 1, 0).status(),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(DecodePostingsOffsetEntry, TruncatedVersusMalformed) {
  std::string entry = Table({{"name", "value", 300}}).substr(4);
  PostingsOffsetEntry e;
  size_t size = 0;
  ASSERT_OK(DecodePostingsOffsetEntry(entry + "more", &e, &size));
  EXPECT_EQ(size, entry.size());
  EXPECT_EQ(e.offset, 300u);
  for (size_t n = 0; n < entry.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_THAT(DecodePostingsOffsetEntry(entry.substr(0, n), &e, &size),
                StatusIs(absl::StatusCode::kOutOfRange));
  }
  EXPECT_THAT(DecodePostingsOffsetEntry("\x01\x00\x00\x00", &e, &size),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(DecodePostingsOffsetEntry(std::string(12, '\xff'), &e, &size),
              StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace charon::tsdb
