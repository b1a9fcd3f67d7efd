#include "base/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace charon::base {
namespace {

TEST(ParallelFor, RunsEveryIndexOnceOnSeveralThreads) {
  constexpr size_t kN = 2000;
  std::vector<std::atomic<int>> runs(kN);
  absl::Mutex mu;
  std::set<std::thread::id> threads;
  const std::thread::id caller = std::this_thread::get_id();
  ASSERT_TRUE(ParallelFor(kN, 4, [&](size_t i) {
                runs[i].fetch_add(1);
                absl::MutexLock lock(&mu);
                threads.insert(std::this_thread::get_id());
                // The first items wait for the caller to take one, so that on a loaded machine
                // the workers cannot finish everything before the caller starts (10 s hang guard).
                if (i < 8) {
                  auto caller_works = [&] { return threads.contains(caller); };
                  mu.AwaitWithTimeout(absl::Condition(&caller_works), absl::Seconds(10));
                }
                return absl::OkStatus();
              }).ok());
  for (size_t i = 0; i < kN; ++i) EXPECT_EQ(runs[i].load(), 1) << i;
  EXPECT_LE(threads.size(), 4u);
  EXPECT_TRUE(threads.contains(std::this_thread::get_id())) << "the caller works too";
}

TEST(ParallelFor, FirstErrorIsReturnedAndLaterIndicesAreSkipped) {
  std::atomic<int> calls{0};
  absl::Status s = ParallelFor(100000, 3, [&](size_t i) {
    calls.fetch_add(1);
    return i == 10 ? absl::DataLossError("bad block") : absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_LT(calls.load(), 100000);
}

TEST(ParallelFor, NestedCallsFinishEvenWhenThePoolIsSaturated) {
  // More outer workers than pool threads, each running an inner ParallelFor: callers always
  // make progress themselves, so this cannot deadlock.
  const size_t outer = WorkerPoolSize() * 2;
  std::atomic<size_t> inner_runs{0};
  ASSERT_TRUE(ParallelFor(outer, static_cast<int>(outer), [&](size_t) {
                return ParallelFor(50, 8, [&](size_t) {
                  inner_runs.fetch_add(1);
                  return absl::OkStatus();
                });
              }).ok());
  EXPECT_EQ(inner_runs.load(), outer * 50);
}

TEST(ParallelFor, ZeroAndInline) {
  EXPECT_TRUE(ParallelFor(0, 8, [](size_t) { return absl::InternalError("never"); }).ok());
  std::vector<size_t> order;
  ASSERT_TRUE(ParallelFor(5, 1, [&](size_t i) {
                order.push_back(i);
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace charon::base
