#include "bench/dataset_generator.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "bench/query_set.h"

namespace charon::bench {
namespace {

std::string Render(const DatasetSize& size, int window, WindowStats* stats) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  absl::StatusOr<WindowStats> s = WriteWindow(size, window, f);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  EXPECT_TRUE(s.ok()) << s.status();
  if (s.ok()) *stats = *s;
  return out;
}

TEST(DatasetGenerator, TinyWindowIsDeterministicOpenMetrics) {
  absl::StatusOr<DatasetSize> size = DatasetSizeByName("tiny");
  ASSERT_TRUE(size.ok());
  WindowStats a, b;
  std::string first = Render(*size, 1, &a);
  std::string second = Render(*size, 1, &b);
  EXPECT_EQ(first, second);
  EXPECT_EQ(a.samples, a.series * (kWindowMs / kScrapeIntervalMs));
  EXPECT_EQ(a.bytes, static_cast<int64_t>(first.size()));
  ASSERT_GE(first.size(), 6u);
  EXPECT_EQ(first.substr(first.size() - 6), "# EOF\n");
  EXPECT_NE(first.find("# TYPE http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(first.find("le=\"+Inf\""), std::string::npos);
}

TEST(DatasetGenerator, PodsChurnBetweenWindows) {
  absl::StatusOr<DatasetSize> size = DatasetSizeByName("tiny");
  ASSERT_TRUE(size.ok());
  WindowStats s0, s1;
  std::string w0 = Render(*size, 0, &s0);
  std::string w1 = Render(*size, 1, &s1);
  // Some pods of window 0 are gone in window 1 (churn 0.5), most stay.
  auto pods = [](const std::string& text) {
    std::set<std::string> out;
    for (size_t p = text.find("pod=\""); p != std::string::npos; p = text.find("pod=\"", p + 1)) {
      out.insert(text.substr(p + 5, text.find('"', p + 5) - p - 5));
    }
    return out;
  };
  std::set<std::string> p0 = pods(w0), p1 = pods(w1);
  size_t gone = 0;
  for (const std::string& pod : p0) gone += p1.count(pod) == 0 ? 1 : 0;
  EXPECT_GT(gone, 0u);
  EXPECT_LT(gone, p0.size());
  EXPECT_NE(w1.find("bench_long_series{id=\"0\"}"), std::string::npos);
}

TEST(DatasetGenerator, UnknownSizeAndWindowAreRejected) {
  EXPECT_EQ(DatasetSizeByName("huge").status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<DatasetSize> size = DatasetSizeByName("tiny");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(WriteWindow(*size, size->windows, stdout).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(QuerySet, SelectorsArePromQL) {
  EXPECT_EQ(PromQLSelector({{MatchType::kEq, "__name__", "up"}, {MatchType::kNre, "a", "x\"|y"}}),
            "{__name__=\"up\",a!~\"x\\\"|y\"}");
}

}  // namespace
}  // namespace charon::bench
