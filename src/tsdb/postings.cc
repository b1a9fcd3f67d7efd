// Raw postings list body as stored in the index (section "Postings lists"):
//
//   +------------------+----------------+-----+----------------+
//   | #entries u32 BE  | id_0 u32 BE    | ... | id_{n-1} u32 BE|
//   +------------------+----------------+-----+----------------+
//
// Bytes past the last id (padding, the CRC, the next list) are ignored: callers read ranges that
// over-read and the count is what bounds the list.
#include "tsdb/postings.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "base/decbuf.h"

namespace charon::tsdb {
namespace {

// The first error among `its`, OK when none failed; errors already known when combining are the
// combination's error.
absl::Status FirstError(const std::vector<PostingsPtr>& its) {
  for (const PostingsPtr& p : its) {
    absl::Status s = p->status();
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

class EmptyPostingsImpl final : public Postings {
 public:
  bool Next() override { return false; }
  bool Seek(uint64_t) override { return false; }
  uint64_t At() const override { return 0; }
  absl::Status status() const override { return absl::OkStatus(); }
};

class ErrPostingsImpl final : public Postings {
 public:
  explicit ErrPostingsImpl(absl::Status status) : status_(std::move(status)) {}
  bool Next() override { return false; }
  bool Seek(uint64_t) override { return false; }
  uint64_t At() const override { return 0; }
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

// First index in [from, n) whose value is >= v, by galloping from `from` then binary search: a
// seek costs O(log distance), which keeps intersections of very different sizes cheap.
template <typename ValueAt>
size_t Gallop(size_t from, size_t n, uint64_t v, const ValueAt& value_at) {
  size_t lo = from;
  size_t step = 1;
  size_t hi = from;
  while (hi < n && value_at(hi) < v) {
    lo = hi + 1;
    hi = from + step;
    step <<= 1;
  }
  if (hi > n) hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (value_at(mid) < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

class ListPostingsImpl final : public Postings {
 public:
  explicit ListPostingsImpl(std::vector<uint64_t> refs) : refs_(std::move(refs)) {}

  bool Next() override {
    if (next_ >= refs_.size()) return Exhaust();
    cur_ = refs_[next_++];
    return true;
  }

  bool Seek(uint64_t v) override {
    if (next_ > 0 && cur_ >= v) return next_ <= refs_.size();
    const size_t i = Gallop(next_, refs_.size(), v, [this](size_t k) { return refs_[k]; });
    if (i >= refs_.size()) return Exhaust();
    cur_ = refs_[i];
    next_ = i + 1;
    return true;
  }

  uint64_t At() const override { return cur_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  bool Exhaust() {
    next_ = refs_.size() + 1;
    return false;
  }

  std::vector<uint64_t> refs_;
  size_t next_ = 0;  // index after the current value; size()+1 once exhausted
  uint64_t cur_ = 0;
};

// Every value handed out is checked to be above the previous one, so corrupt (unsorted) bytes
// end the iteration with DataLoss instead of breaking the set algebra's ordering assumptions.
class RawPostingsImpl final : public Postings {
 public:
  RawPostingsImpl(const char* ids, size_t n) : ids_(ids), n_(n) {}

  bool Next() override {
    if (next_ >= n_) return Exhaust();
    return Take(next_, 0);
  }

  bool Seek(uint64_t v) override {
    if (next_ > 0 && cur_ >= v) return next_ <= n_;
    const size_t i = Gallop(next_, n_, v, [this](size_t k) { return Value(k); });
    if (i >= n_) return Exhaust();
    return Take(i, v);
  }

  uint64_t At() const override { return cur_; }
  absl::Status status() const override { return status_; }

 private:
  uint64_t Value(size_t k) const { return base::LoadBe32(ids_ + 4 * k); }

  bool Take(size_t i, uint64_t at_least) {
    const uint64_t v = Value(i);
    if ((next_ > 0 && v <= cur_) || v < at_least) {
      status_ = absl::DataLossError(absl::StrCat("postings list not increasing at entry ", i));
      return Exhaust();
    }
    cur_ = v;
    next_ = i + 1;
    return true;
  }

  bool Exhaust() {
    next_ = n_ + 1;
    return false;
  }

  const char* ids_;
  size_t n_;
  size_t next_ = 0;
  uint64_t cur_ = 0;
  absl::Status status_;
};

class ScalePostingsImpl final : public Postings {
 public:
  ScalePostingsImpl(PostingsPtr p, uint64_t factor) : p_(std::move(p)), factor_(factor) {}

  bool Next() override { return p_->Next(); }
  bool Seek(uint64_t v) override { return p_->Seek(v / factor_ + (v % factor_ != 0)); }
  uint64_t At() const override { return p_->At() * factor_; }
  absl::Status status() const override { return p_->status(); }

 private:
  PostingsPtr p_;
  uint64_t factor_;
};

// Leapfrog join: each iterator in turn seeks to the largest value seen so far until all agree.
class IntersectPostings final : public Postings {
 public:
  explicit IntersectPostings(std::vector<PostingsPtr> its) : its_(std::move(its)) {}

  bool Next() override {
    if (done_) return false;
    if (!its_[0]->Next()) return Finish();
    return Leapfrog(its_[0]->At(), 1);
  }

  bool Seek(uint64_t v) override {
    if (done_) return false;
    if (started_ && cur_ >= v) return true;
    return Leapfrog(v, 0);
  }

  uint64_t At() const override { return cur_; }

  absl::Status status() const override { return FirstError(its_); }

 private:
  // `agreed` iterators before index `agreed % n` already sit on `target`.
  bool Leapfrog(uint64_t target, size_t agreed) {
    const size_t n = its_.size();
    size_t i = agreed % n;
    while (agreed < n) {
      if (!its_[i]->Seek(target)) return Finish();
      const uint64_t v = its_[i]->At();
      if (v > target) {
        target = v;
        agreed = 1;
      } else {
        ++agreed;
      }
      if (++i == n) i = 0;
    }
    started_ = true;
    cur_ = target;
    return true;
  }

  bool Finish() {
    done_ = true;
    return false;
  }

  std::vector<PostingsPtr> its_;
  uint64_t cur_ = 0;
  bool started_ = false;
  bool done_ = false;
};

// K-way union over a binary min-heap of (current value, iterator); equal heads are advanced
// together, which removes duplicates.
class MergePostings final : public Postings {
 public:
  explicit MergePostings(std::vector<PostingsPtr> its) : its_(std::move(its)) {}

  bool Next() override {
    if (done_) return false;
    if (!started_) {
      started_ = true;
      for (const PostingsPtr& p : its_) {
        if (p->Next()) heap_.push_back({p->At(), p.get()});
      }
      Heapify();
    } else {
      while (!heap_.empty() && heap_[0].value == cur_) {
        if (heap_[0].it->Next()) {
          heap_[0].value = heap_[0].it->At();
        } else {
          heap_[0] = heap_.back();
          heap_.pop_back();
        }
        SiftDown(0);
      }
    }
    return TakeTop();
  }

  bool Seek(uint64_t v) override {
    if (done_) return false;
    if (started_ && cur_ >= v) return true;
    if (!started_) {
      started_ = true;
      for (const PostingsPtr& p : its_) {
        if (p->Seek(v)) heap_.push_back({p->At(), p.get()});
      }
    } else {
      size_t kept = 0;
      for (Head& h : heap_) {
        if (h.value < v) {
          if (!h.it->Seek(v)) continue;
          h.value = h.it->At();
        }
        heap_[kept++] = h;
      }
      heap_.resize(kept);
    }
    Heapify();
    return TakeTop();
  }

  uint64_t At() const override { return cur_; }

  absl::Status status() const override { return FirstError(its_); }

 private:
  struct Head {
    uint64_t value;
    Postings* it;
  };

  bool TakeTop() {
    if (heap_.empty()) {
      done_ = true;
      return false;
    }
    cur_ = heap_[0].value;
    return true;
  }

  void Heapify() {
    for (size_t i = heap_.size() / 2; i-- > 0;) SiftDown(i);
  }

  void SiftDown(size_t i) {
    const size_t n = heap_.size();
    if (n == 0) return;
    const Head h = heap_[i];
    while (true) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].value < heap_[child].value) ++child;
      if (heap_[child].value >= h.value) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = h;
  }

  std::vector<PostingsPtr> its_;
  std::vector<Head> heap_;
  uint64_t cur_ = 0;
  bool started_ = false;
  bool done_ = false;
};

class WithoutPostings final : public Postings {
 public:
  WithoutPostings(PostingsPtr full, PostingsPtr drop)
      : full_(std::move(full)), drop_(std::move(drop)) {}

  bool Next() override {
    if (!full_->Next()) return false;
    return SkipDropped();
  }

  bool Seek(uint64_t v) override {
    if (!full_->Seek(v)) return false;
    return SkipDropped();
  }

  uint64_t At() const override { return full_->At(); }

  absl::Status status() const override {
    absl::Status s = full_->status();
    if (!s.ok()) return s;
    return drop_->status();
  }

 private:
  // Moves `full_` forward past values present in `drop_`; `full_` is on a valid value on entry.
  bool SkipDropped() {
    while (drop_live_) {
      const uint64_t v = full_->At();
      if (!drop_started_ || drop_->At() < v) {
        drop_started_ = true;
        if (!drop_->Seek(v)) {
          drop_live_ = false;
          break;
        }
      }
      if (drop_->At() != v) break;
      if (!full_->Next()) return false;
    }
    return true;
  }

  PostingsPtr full_;
  PostingsPtr drop_;
  bool drop_started_ = false;
  bool drop_live_ = true;
};

bool IsEmptySentinel(const Postings& p) {
  return dynamic_cast<const EmptyPostingsImpl*>(&p) != nullptr;
}

}  // namespace

PostingsPtr EmptyPostings() { return std::make_unique<EmptyPostingsImpl>(); }

PostingsPtr ErrPostings(absl::Status status) {
  return std::make_unique<ErrPostingsImpl>(std::move(status));
}

PostingsPtr ListPostings(std::vector<uint64_t> refs) {
  return std::make_unique<ListPostingsImpl>(std::move(refs));
}

PostingsPtr RawPostings(std::string_view body) {
  if (body.size() < 4) {
    return ErrPostings(absl::DataLossError(
        absl::StrCat("postings list of ", body.size(), " bytes has no entry count")));
  }
  const uint64_t n = base::LoadBe32(body.data());
  if ((body.size() - 4) / 4 < n) {
    return ErrPostings(absl::DataLossError(absl::StrCat(
        "postings list promises ", n, " entries but has ", body.size() - 4, " bytes")));
  }
  return std::make_unique<RawPostingsImpl>(body.data() + 4, static_cast<size_t>(n));
}

PostingsPtr CheckedRawPostings(std::string_view list) {
  if (list.size() < 4) return RawPostings(list);
  const uint64_t n = base::LoadBe32(list.data());
  if ((list.size() - 4) / 4 < n || (list.size() - 4 - 4 * n) < kPostingsCrcSize) {
    return ErrPostings(absl::DataLossError(absl::StrCat(
        "postings list promises ", n, " entries and a CRC but has ", list.size() - 4, " bytes")));
  }
  const size_t body_size = static_cast<size_t>(4 + 4 * n);
  const uint32_t stored = base::LoadBe32(list.data() + body_size);
  const uint32_t computed = base::Crc32c(list.substr(0, body_size));
  if (stored != computed) {
    return ErrPostings(
        absl::DataLossError(absl::StrCat("postings list of ", n, " entries: CRC mismatch (stored ",
                                         absl::Hex(stored, absl::kZeroPad8), ", computed ",
                                         absl::Hex(computed, absl::kZeroPad8), ")")));
  }
  return std::make_unique<RawPostingsImpl>(list.data() + 4, static_cast<size_t>(n));
}

PostingsPtr ScalePostings(PostingsPtr p, uint64_t factor) {
  if (factor == 1) return p;
  return std::make_unique<ScalePostingsImpl>(std::move(p), factor);
}

PostingsPtr Intersect(std::vector<PostingsPtr> its) {
  if (absl::Status s = FirstError(its); !s.ok()) return ErrPostings(std::move(s));
  if (its.empty()) return EmptyPostings();
  for (const PostingsPtr& p : its) {
    if (IsEmptySentinel(*p)) return EmptyPostings();
  }
  if (its.size() == 1) return std::move(its[0]);
  return std::make_unique<IntersectPostings>(std::move(its));
}

PostingsPtr Merge(std::vector<PostingsPtr> its) {
  if (absl::Status s = FirstError(its); !s.ok()) return ErrPostings(std::move(s));
  its.erase(std::remove_if(its.begin(), its.end(),
                           [](const PostingsPtr& p) { return IsEmptySentinel(*p); }),
            its.end());
  if (its.empty()) return EmptyPostings();
  if (its.size() == 1) return std::move(its[0]);
  return std::make_unique<MergePostings>(std::move(its));
}

PostingsPtr Without(PostingsPtr full, PostingsPtr drop) {
  if (absl::Status s = full->status(); !s.ok()) return ErrPostings(std::move(s));
  if (absl::Status s = drop->status(); !s.ok()) return ErrPostings(std::move(s));
  if (IsEmptySentinel(*full)) return EmptyPostings();
  if (IsEmptySentinel(*drop)) return full;
  return std::make_unique<WithoutPostings>(std::move(full), std::move(drop));
}

absl::StatusOr<std::vector<uint64_t>> ExpandPostings(Postings& p) {
  std::vector<uint64_t> out;
  while (p.Next()) out.push_back(p.At());
  absl::Status s = p.status();
  if (!s.ok()) return s;
  return out;
}

}  // namespace charon::tsdb
