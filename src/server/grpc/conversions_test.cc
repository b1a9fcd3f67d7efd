#include "server/grpc/conversions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace charon::server::grpc {
namespace {

store::AggrChunk Raw(int64_t t, std::string_view data) {
  store::AggrChunk c;
  c.min_time = t;
  c.max_time = t + 100;
  c.raw = store::ChunkData{0, data, static_cast<uint64_t>(t)};
  return c;
}

store::AggrChunk Downsampled(int64_t t, std::string_view data) {
  store::AggrChunk c;
  c.min_time = t;
  c.max_time = t + 300;
  c.count = store::ChunkData{0, data, 1};
  c.sum = store::ChunkData{0, data, 2};
  c.counter = store::ChunkData{0, data, 3};
  return c;
}

std::string Fresh(const store::SeriesOut& s) {
  thanos::Series out;
  SeriesToProto(s, &out);
  return out.SerializeAsString();
}

// One frame refilled with series of more, fewer and different labels and chunks encodes each
// exactly as a frame built from scratch: nothing of an earlier series is left behind.
TEST(SeriesToProto, RefillingOneFrameLeavesNothingBehind) {
  const std::string long_chunk(300, 'x');
  std::vector<store::SeriesOut> series = {
      {{{"__name__", "up"}, {"instance", "a:9090"}, {"job", "node"}},
       {Raw(0, long_chunk), Raw(100, "ab"), Raw(200, "cd")}},
      {{{"__name__", "up"}}, {Raw(300, "e")}},
      {{{"__name__", "x"}, {"zone", "eu"}}, {Downsampled(0, "sum"), Downsampled(300, "s2")}},
      {{{"__name__", "x"}, {"zone", "us"}}, {Raw(600, "raw again")}},
      {{{"__name__", "empty"}}, {}},
      {{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}},
       {Raw(1, "1"), Raw(2, "2"), Raw(3, long_chunk), Raw(4, "4")}},
  };
  thanos::SeriesResponse frame;
  for (size_t i = 0; i < series.size(); ++i) {
    SCOPED_TRACE(i);
    SeriesToProto(series[i], frame.mutable_series());
    EXPECT_EQ(frame.series().SerializeAsString(), Fresh(series[i]));
  }
  // The downsampled chunks came and went: the raw-only chunk has no aggregate left over.
  SeriesToProto(series[3], frame.mutable_series());
  ASSERT_EQ(frame.series().chunks_size(), 1);
  EXPECT_FALSE(frame.series().chunks(0).has_count());
  EXPECT_FALSE(frame.series().chunks(0).has_counter());
  EXPECT_EQ(frame.series().chunks(0).raw().data(), "raw again");
}

// Refilling reuses the label and chunk objects rather than allocating new ones.
TEST(SeriesToProto, RefillReusesElements) {
  const std::string chunk(200, 'c');
  store::SeriesOut a{{{"__name__", "up"}, {"job", "a-long-job-name-past-the-inline-size"}},
                     {Raw(0, chunk), Raw(100, chunk)}};
  store::SeriesOut b{{{"__name__", "up"}, {"job", "b-long-job-name-past-the-inline-size"}},
                     {Raw(200, chunk), Raw(300, chunk)}};
  thanos::Series frame;
  SeriesToProto(a, &frame);
  const thanos::Label* label = &frame.labels(1);
  const thanos::Chunk* raw = &frame.chunks(1).raw();
  const char* data = frame.chunks(1).raw().data().data();
  SeriesToProto(b, &frame);
  EXPECT_EQ(&frame.labels(1), label);
  EXPECT_EQ(&frame.chunks(1).raw(), raw);
  EXPECT_EQ(frame.chunks(1).raw().data().data(), data);  // the string's buffer too
  EXPECT_EQ(frame.labels(1).value(), "b-long-job-name-past-the-inline-size");
  EXPECT_EQ(frame.chunks(1).min_time(), 300);
}

}  // namespace
}  // namespace charon::server::grpc
