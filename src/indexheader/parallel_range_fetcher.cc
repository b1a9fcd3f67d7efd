#include "indexheader/parallel_range_fetcher.h"

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/strings.h"

namespace charon::indexheader {

namespace {

struct Part {
  size_t range_index;
  int64_t offset;
  int64_t length;
};

// Shared state of one fetch: workers claim parts in order, the caller consumes them in order.
class PartQueue {
 public:
  PartQueue(std::vector<Part> parts, size_t window)
      : parts_(std::move(parts)), window_(window), done_(parts_.size()) {}

  // Next part index for a worker, or nullopt when there is nothing left to do.
  std::optional<size_t> Claim() {
    absl::MutexLock lock(&mu_);
    auto can_claim = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stop_ || next_claim_ >= parts_.size() || next_claim_ < next_consume_ + window_;
    };
    mu_.Await(absl::Condition(&can_claim));
    if (stop_ || next_claim_ >= parts_.size()) return std::nullopt;
    return next_claim_++;
  }

  void Deliver(size_t i, absl::StatusOr<std::string> data) {
    absl::MutexLock lock(&mu_);
    if (!data.ok()) {
      if (error_.ok()) error_ = data.status();
      stop_ = true;
      return;
    }
    done_[i] = *std::move(data);
  }

  // Waits for part `i` (parts are consumed in order); the error status if the fetch failed.
  absl::StatusOr<std::string> Take(size_t i) {
    absl::MutexLock lock(&mu_);
    auto ready = [this, i]()
                     ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || done_[i].has_value(); };
    mu_.Await(absl::Condition(&ready));
    if (!error_.ok()) return error_;
    if (stop_) return absl::CancelledError("fetch stopped");
    std::string out = *std::move(done_[i]);
    done_[i].reset();
    next_consume_ = i + 1;
    return out;
  }

  void Stop() {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }

  const Part& part(size_t i) const { return parts_[i]; }
  size_t size() const { return parts_.size(); }

 private:
  const std::vector<Part> parts_;
  const size_t window_;
  absl::Mutex mu_;
  std::vector<std::optional<std::string>> done_ ABSL_GUARDED_BY(mu_);
  size_t next_claim_ ABSL_GUARDED_BY(mu_) = 0;
  size_t next_consume_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::string> FetchPart(objstore::Bucket& bucket, std::string_view name,
                                      const Part& p) {
  absl::StatusOr<std::string> data = bucket.GetRange(name, p.offset, p.length);
  if (!data.ok()) return data;
  if (static_cast<int64_t>(data->size()) != p.length) {
    return absl::DataLossError(absl::StrCat("short read of ", base::Absl(name), ": ", data->size(),
                                            " of ", p.length, " bytes at offset ", p.offset));
  }
  return data;
}

}  // namespace

absl::Status FetchRangesInOrder(
    objstore::Bucket& bucket, std::string_view name, std::span<const ByteRange> ranges,
    const ParallelFetchOptions& options,
    const std::function<absl::Status(size_t range_index, std::string_view bytes)>& sink) {
  if (options.part_size <= 0 || options.concurrency <= 0) {
    return absl::InvalidArgumentError("part size and concurrency must be positive");
  }
  std::vector<Part> parts;
  for (size_t r = 0; r < ranges.size(); ++r) {
    const ByteRange& range = ranges[r];
    if (range.start < 0 || range.size() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("negative range [", range.start, ", ", range.end, ")"));
    }
    for (int64_t off = 0; off < range.size(); off += options.part_size) {
      parts.push_back({r, range.start + off, std::min(options.part_size, range.size() - off)});
    }
  }
  if (parts.empty()) return absl::OkStatus();

  // A single part needs no threads.
  if (parts.size() == 1) {
    absl::StatusOr<std::string> data = FetchPart(bucket, name, parts[0]);
    if (!data.ok()) return data.status();
    return sink(parts[0].range_index, *data);
  }

  const size_t window = 2 * static_cast<size_t>(options.concurrency);
  PartQueue queue(std::move(parts), window);
  size_t n_workers = std::min(static_cast<size_t>(options.concurrency), queue.size());
  std::vector<std::thread> workers;
  workers.reserve(n_workers);
  for (size_t w = 0; w < n_workers; ++w) {
    workers.emplace_back([&queue, &bucket, name]() {
      while (std::optional<size_t> i = queue.Claim()) {
        queue.Deliver(*i, FetchPart(bucket, name, queue.part(*i)));
      }
    });
  }
  absl::Status status;
  for (size_t i = 0; i < queue.size() && status.ok(); ++i) {
    absl::StatusOr<std::string> data = queue.Take(i);
    if (!data.ok()) {
      status = data.status();
      break;
    }
    status = sink(queue.part(i).range_index, *data);
  }
  queue.Stop();
  for (std::thread& t : workers) t.join();
  return status;
}

}  // namespace charon::indexheader
