#include "tsdb/postings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "base/decbuf.h"
#include "testing/status_matchers.h"

namespace charon::tsdb {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

using Refs = std::vector<uint64_t>;

std::string RawBody(const std::vector<uint32_t>& ids) {
  std::string b;
  base::PutBe32(&b, static_cast<uint32_t>(ids.size()));
  for (uint32_t id : ids) base::PutBe32(&b, id);
  return b;
}

Refs Expand(PostingsPtr p) {
  absl::StatusOr<Refs> r = ExpandPostings(*p);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Refs{};
}

std::vector<PostingsPtr> Lists(const std::vector<Refs>& lists) {
  std::vector<PostingsPtr> out;
  for (const Refs& l : lists) out.push_back(ListPostings(l));
  return out;
}

Refs RandomRefs(std::mt19937& rng, size_t max_len, uint64_t max_value) {
  std::set<uint64_t> s;
  const size_t n = std::uniform_int_distribution<size_t>(0, max_len)(rng);
  std::uniform_int_distribution<uint64_t> value(0, max_value);
  for (size_t i = 0; i < n; ++i) s.insert(value(rng));
  return Refs(s.begin(), s.end());
}

// Drives `p` with a random mix of Next and Seek and checks every answer against a sorted model.
void CheckAgainstModel(Postings& p, const Refs& want, std::mt19937& rng) {
  ptrdiff_t pos = -1;  // index of the current value in `want`
  const auto n = static_cast<ptrdiff_t>(want.size());
  const uint64_t top = want.empty() ? 10 : want.back() + 3;
  for (int step = 0; step < 3 * n + 10 && pos < n; ++step) {
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
      ++pos;
      ASSERT_EQ(p.Next(), pos < n) << "step " << step;
    } else {
      const uint64_t v = std::uniform_int_distribution<uint64_t>(0, top)(rng);
      if (pos < 0 || want[pos] < v) {
        pos = std::lower_bound(want.begin() + std::max<ptrdiff_t>(pos, 0), want.end(), v) -
              want.begin();
      }
      ASSERT_EQ(p.Seek(v), pos < n) << "seek " << v << " step " << step;
    }
    if (pos < n) {
      ASSERT_EQ(p.At(), want[pos]) << "step " << step;
    }
  }
  if (pos >= n) {
    EXPECT_FALSE(p.Next());
    EXPECT_FALSE(p.Seek(0));
  }
  EXPECT_OK(p.status());
}

TEST(EmptyPostings, HasNothing) {
  PostingsPtr p = EmptyPostings();
  EXPECT_FALSE(p->Next());
  EXPECT_FALSE(p->Seek(0));
  EXPECT_OK(p->status());
}

TEST(ErrPostings, CarriesItsStatus) {
  PostingsPtr p = ErrPostings(absl::UnavailableError("boom"));
  EXPECT_FALSE(p->Next());
  EXPECT_THAT(ExpandPostings(*p), StatusIs(absl::StatusCode::kUnavailable, "boom"));
}

TEST(ListPostings, SeekStaysPutAndNeverGoesBack) {
  PostingsPtr p = ListPostings({2, 4, 8, 16});
  ASSERT_TRUE(p->Seek(3));
  EXPECT_EQ(p->At(), 4u);
  ASSERT_TRUE(p->Seek(1));
  EXPECT_EQ(p->At(), 4u);
  ASSERT_TRUE(p->Seek(4));
  EXPECT_EQ(p->At(), 4u);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 8u);
  EXPECT_FALSE(p->Seek(17));
  EXPECT_FALSE(p->Next());
  EXPECT_FALSE(p->Seek(0));
}

TEST(ListPostings, SeekZeroBeforeNextFindsFirstValue) {
  // Prometheus' ListPostings answers Seek(0) with a phantom 0; this one does not.
  PostingsPtr p = ListPostings({5});
  ASSERT_TRUE(p->Seek(0));
  EXPECT_EQ(p->At(), 5u);
}

TEST(ListPostings, RandomOperationsMatchModel) {
  std::mt19937 rng(1);
  for (int i = 0; i < 300; ++i) {
    Refs refs = RandomRefs(rng, 200, 1000);
    PostingsPtr p = ListPostings(refs);
    CheckAgainstModel(*p, refs, rng);
  }
}

TEST(RawPostings, DecodesBigEndianIds) {
  const std::string body = RawBody({1, 0x01020304, 0xfffffffe});
  EXPECT_THAT(Expand(RawPostings(body)), ElementsAre(1u, 0x01020304u, 0xfffffffeu));
  EXPECT_THAT(Expand(RawPostings(RawBody({}))), IsEmpty());
}

TEST(RawPostings, IgnoresBytesAfterTheIds) {
  std::string body = RawBody({3, 7});
  body += "crc!padding";
  EXPECT_THAT(Expand(RawPostings(body)), ElementsAre(3u, 7u));
}

TEST(RawPostings, ShortBodyIsDataLoss) {
  const std::string body = RawBody({1, 2, 3});
  for (size_t len = 0; len < body.size(); ++len) {
    SCOPED_TRACE(len);
    PostingsPtr p = RawPostings(std::string_view(body).substr(0, len));
    EXPECT_FALSE(p->Next());
    EXPECT_THAT(p->status(), StatusIs(absl::StatusCode::kDataLoss));
  }
  std::string huge;
  base::PutBe32(&huge, 0xffffffff);
  EXPECT_THAT(RawPostings(huge)->status(), StatusIs(absl::StatusCode::kDataLoss));
}

// A list as the index stores it after its len field: body, CRC32C of the body, padding.
std::string ListWithCrc(const std::vector<uint32_t>& ids, std::string_view padding = "") {
  std::string list = RawBody(ids);
  base::PutBe32(&list, base::Crc32c(list));
  list += padding;
  return list;
}

TEST(CheckedRawPostings, DecodesAListWithItsCrcAndIgnoresPadding) {
  EXPECT_THAT(Expand(CheckedRawPostings(ListWithCrc({3, 7, 9}))), ElementsAre(3u, 7u, 9u));
  EXPECT_THAT(Expand(CheckedRawPostings(ListWithCrc({2}, std::string(8, '\0')))), ElementsAre(2u));
  EXPECT_THAT(Expand(CheckedRawPostings(ListWithCrc({}))), IsEmpty());
}

TEST(CheckedRawPostings, EntryChangedToAnotherValidRefIsDataLoss) {
  // Still strictly increasing, so RawPostings alone hands out the wrong ref.
  std::string list = ListWithCrc({16, 32, 48});
  std::string changed = list;
  changed[4 + 4 + 3] = 40;  // 32 -> 40
  EXPECT_THAT(Expand(RawPostings(changed)), ElementsAre(16u, 40u, 48u));
  PostingsPtr p = CheckedRawPostings(changed);
  EXPECT_FALSE(p->Next());
  EXPECT_THAT(p->status(), StatusIs(absl::StatusCode::kDataLoss));
  // A flipped bit in the count or in the CRC itself is caught too.
  for (size_t byte : {size_t{3}, list.size() - 1}) {
    SCOPED_TRACE(byte);
    std::string flipped = list;
    flipped[byte] ^= 0x01;
    EXPECT_THAT(CheckedRawPostings(flipped)->status(), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST(CheckedRawPostings, ViewWithoutTheWholeCrcIsDataLoss) {
  const std::string list = ListWithCrc({1, 2, 3});
  for (size_t len = 0; len < list.size(); ++len) {
    SCOPED_TRACE(len);
    PostingsPtr p = CheckedRawPostings(std::string_view(list).substr(0, len));
    EXPECT_FALSE(p->Next());
    EXPECT_THAT(p->status(), StatusIs(absl::StatusCode::kDataLoss));
  }
}

TEST(RawPostings, NonIncreasingIdsAreDataLoss) {
  for (const auto& ids : {std::vector<uint32_t>{1, 5, 5, 9}, std::vector<uint32_t>{1, 5, 3, 9}}) {
    const std::string body = RawBody(ids);
    PostingsPtr p = RawPostings(body);
    EXPECT_THAT(ExpandPostings(*p), StatusIs(absl::StatusCode::kDataLoss));
  }
  // Seeking over unsorted bytes must not hand out a value below the target.
  std::string body = RawBody({1, 9, 2, 3, 4, 5, 6, 7});
  PostingsPtr p = RawPostings(body);
  while (p->Seek(8)) {
    ASSERT_GE(p->At(), 8u);
    if (!p->Next()) break;
  }
  EXPECT_THAT(p->status(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(RawPostings, RandomOperationsMatchModel) {
  std::mt19937 rng(2);
  for (int i = 0; i < 300; ++i) {
    Refs refs = RandomRefs(rng, 300, 5000);
    const std::string body = RawBody(std::vector<uint32_t>(refs.begin(), refs.end()));
    PostingsPtr p = RawPostings(body);
    CheckAgainstModel(*p, refs, rng);
  }
}

TEST(ScalePostings, MultipliesAndSeeksInScaledSpace) {
  PostingsPtr p = ScalePostings(ListPostings({1, 2, 5}), 16);
  ASSERT_TRUE(p->Seek(17));
  EXPECT_EQ(p->At(), 32u);
  ASSERT_TRUE(p->Seek(32));
  EXPECT_EQ(p->At(), 32u);
  ASSERT_TRUE(p->Seek(33));
  EXPECT_EQ(p->At(), 80u);
  EXPECT_FALSE(p->Next());
  EXPECT_THAT(Expand(ScalePostings(ListPostings({1, 2}), 16)), ElementsAre(16u, 32u));
}

struct AlgebraCase {
  std::string name;
  std::vector<Refs> in;
  Refs want;
};

TEST(Intersect, Table) {
  const AlgebraCase cases[] = {
      {"no inputs", {}, {}},
      {"one input", {{1, 2}}, {1, 2}},
      {"empty input", {{1, 2}, {}}, {}},
      {"disjoint", {{1, 3}, {2, 4}}, {}},
      {"same", {{1, 2, 3}, {1, 2, 3}}, {1, 2, 3}},
      {"three", {{1, 2, 3, 4, 5}, {2, 3, 5, 8}, {0, 3, 5}}, {3, 5}},
      {"short and long", {{500}, {1, 2, 3, 499, 500, 501}}, {500}},
      {"last element", {{9}, {1, 9}, {3, 9}}, {9}},
  };
  for (const AlgebraCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Expand(Intersect(Lists(c.in))), ElementsAreArray(c.want));
  }
}

TEST(Merge, Table) {
  const AlgebraCase cases[] = {
      {"no inputs", {}, {}},
      {"one input", {{1, 2}}, {1, 2}},
      {"with empty", {{1, 2}, {}}, {1, 2}},
      {"interleaved", {{1, 3}, {2, 4}}, {1, 2, 3, 4}},
      {"duplicates", {{1, 2, 3}, {1, 2, 3}, {2}}, {1, 2, 3}},
      {"many", {{5}, {4}, {3}, {2}, {1}, {1, 5}}, {1, 2, 3, 4, 5}},
  };
  for (const AlgebraCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Expand(Merge(Lists(c.in))), ElementsAreArray(c.want));
  }
}

TEST(Without, Table) {
  const AlgebraCase cases[] = {
      {"nothing dropped", {{1, 2, 3}, {}}, {1, 2, 3}},
      {"all dropped", {{1, 2, 3}, {0, 1, 2, 3, 4}}, {}},
      {"some dropped", {{1, 2, 3, 4, 5}, {2, 4, 6}}, {1, 3, 5}},
      {"empty full", {{}, {1}}, {}},
      {"drop beyond", {{1, 2}, {7, 8}}, {1, 2}},
  };
  for (const AlgebraCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(Expand(Without(ListPostings(c.in[0]), ListPostings(c.in[1]))),
                ElementsAreArray(c.want));
  }
}

TEST(SetAlgebra, RandomCompositionsMatchModel) {
  std::mt19937 rng(3);
  for (int iter = 0; iter < 400; ++iter) {
    const size_t k = std::uniform_int_distribution<size_t>(1, 12)(rng);
    // Mixed densities: some lists cover most of the range, some few values.
    std::vector<Refs> lists;
    for (size_t i = 0; i < k; ++i) {
      lists.push_back(RandomRefs(rng, i % 3 == 0 ? 400 : 40, 500));
    }
    Refs inter = lists[0], uni;
    for (const Refs& l : lists) {
      Refs t;
      std::set_intersection(inter.begin(), inter.end(), l.begin(), l.end(), std::back_inserter(t));
      inter = t;
      Refs u;
      std::set_union(uni.begin(), uni.end(), l.begin(), l.end(), std::back_inserter(u));
      uni = u;
    }
    Refs without;
    std::set_difference(uni.begin(), uni.end(), lists[0].begin(), lists[0].end(),
                        std::back_inserter(without));
    SCOPED_TRACE(iter);
    PostingsPtr i = Intersect(Lists(lists));
    CheckAgainstModel(*i, inter, rng);
    PostingsPtr m = Merge(Lists(lists));
    CheckAgainstModel(*m, uni, rng);
    PostingsPtr w = Without(Merge(Lists(lists)), ListPostings(lists[0]));
    CheckAgainstModel(*w, without, rng);
    // Nested: (lists[0] ∪ lists[1]) ∩ ... over raw bodies scaled by 16.
    std::vector<std::string> bodies;
    for (const Refs& l : lists)
      bodies.push_back(RawBody(std::vector<uint32_t>(l.begin(), l.end())));
    std::vector<PostingsPtr> raws;
    for (const std::string& b : bodies) raws.push_back(ScalePostings(RawPostings(b), 16));
    Refs scaled;
    for (uint64_t v : inter) scaled.push_back(v * 16);
    PostingsPtr s = Intersect(std::move(raws));
    CheckAgainstModel(*s, scaled, rng);
  }
}

// Passes `n` values of a real iterator through, then fails as a backend read would.
class FailAfter final : public Postings {
 public:
  FailAfter(PostingsPtr p, int n) : p_(std::move(p)), left_(n) {}
  bool Next() override { return Step(p_->Next()); }
  bool Seek(uint64_t v) override { return Step(p_->Seek(v)); }
  uint64_t At() const override { return p_->At(); }
  absl::Status status() const override { return status_; }

 private:
  bool Step(bool ok) {
    if (!status_.ok()) return false;
    if (ok && left_-- > 0) return true;
    status_ = absl::UnavailableError("read failed");
    return false;
  }
  PostingsPtr p_;
  int left_;
  absl::Status status_;
};

PostingsPtr Failing(Refs refs, int n) {
  return std::make_unique<FailAfter>(ListPostings(std::move(refs)), n);
}

TEST(SetAlgebra, KnownErrorsShortCircuit) {
  {
    std::vector<PostingsPtr> in;
    in.push_back(ListPostings({1, 2, 3}));
    in.push_back(ErrPostings(absl::UnavailableError("x")));
    EXPECT_THAT(Intersect(std::move(in))->status(), StatusIs(absl::StatusCode::kUnavailable));
  }
  {
    std::vector<PostingsPtr> in;
    in.push_back(EmptyPostings());
    in.push_back(ErrPostings(absl::UnavailableError("x")));
    EXPECT_THAT(Intersect(std::move(in))->status(), StatusIs(absl::StatusCode::kUnavailable));
  }
  {
    std::vector<PostingsPtr> in;
    in.push_back(EmptyPostings());
    in.push_back(ErrPostings(absl::UnavailableError("x")));
    EXPECT_THAT(Merge(std::move(in))->status(), StatusIs(absl::StatusCode::kUnavailable));
  }
  EXPECT_THAT(Without(ListPostings({1}), ErrPostings(absl::InternalError("y")))->status(),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(Without(EmptyPostings(), ErrPostings(absl::InternalError("y")))->status(),
              StatusIs(absl::StatusCode::kInternal));
}

TEST(SetAlgebra, MidStreamErrorsPropagate) {
  const Refs full = {1, 2, 3, 4, 10, 20, 30};
  for (int n = 0; n < 4; ++n) {
    SCOPED_TRACE(n);
    {
      std::vector<PostingsPtr> in;
      in.push_back(ListPostings(full));
      in.push_back(Failing(full, n));
      PostingsPtr p = Intersect(std::move(in));
      EXPECT_THAT(ExpandPostings(*p), StatusIs(absl::StatusCode::kUnavailable));
    }
    {
      std::vector<PostingsPtr> in;
      in.push_back(ListPostings({5}));
      in.push_back(Failing(full, n));
      in.push_back(ListPostings({7}));
      PostingsPtr p = Merge(std::move(in));
      EXPECT_THAT(ExpandPostings(*p), StatusIs(absl::StatusCode::kUnavailable));
    }
    EXPECT_THAT(ExpandPostings(*Without(Failing(full, n), ListPostings({2}))),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(ExpandPostings(*Without(ListPostings(full), Failing({2, 3, 4, 10, 20}, n))),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(ExpandPostings(*ScalePostings(Failing(full, n), 16)),
                StatusIs(absl::StatusCode::kUnavailable));
  }
}

TEST(SetAlgebra, CorruptRawListInMergeIsDataLoss) {
  const std::string bad = RawBody({1, 2, 10, 3, 20});
  std::vector<PostingsPtr> in;
  in.push_back(ListPostings({1, 5}));
  in.push_back(RawPostings(bad));
  PostingsPtr p = Merge(std::move(in));
  EXPECT_THAT(ExpandPostings(*p), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace charon::tsdb
