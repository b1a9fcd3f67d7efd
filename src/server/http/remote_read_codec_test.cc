#include "server/http/remote_read_codec.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "base/crc32c.h"
#include "cache/matchers_cache.h"
#include "server/http/remote_read_test_util.h"
#include "snappy.h"
#include "testing/status_matchers.h"

namespace charon::server::http {
namespace {

using ::charon::testing::StatusIs;
using prompb::LabelMatcher;
using prompb::ReadRequest;

TEST(DecodeReadRequest, MapsQueriesMatchersAndFirstAcceptedType) {
  ReadRequest pb =
      MakeRequest(10, 20, {{LabelMatcher::EQ, "__name__", "up"}, {LabelMatcher::NRE, "job", "a|b"}},
                  {ReadRequest::STREAMED_XOR_CHUNKS, ReadRequest::SAMPLES});
  prompb::Query* q2 = pb.add_queries();
  q2->set_start_timestamp_ms(-5);
  q2->set_end_timestamp_ms(-5);
  LabelMatcher* m = q2->add_matchers();
  m->set_type(LabelMatcher::NEQ);
  m->set_name("x");
  auto got = DecodeReadRequest(EncodeRequest(pb));
  ASSERT_OK(got.status());
  EXPECT_EQ(got->response_type, ReadResponseType::kStreamedXorChunks);
  ASSERT_EQ(got->queries.size(), 2u);
  EXPECT_EQ(got->queries[0].start_ms, 10);
  EXPECT_EQ(got->queries[0].end_ms, 20);
  ASSERT_EQ(got->queries[0].matchers.size(), 2u);
  EXPECT_EQ(got->queries[0].matchers[0].String(), "__name__=\"up\"");
  EXPECT_EQ(got->queries[0].matchers[1].String(), "job!~\"a|b\"");
  EXPECT_TRUE(got->queries[0].matchers[1].Matches("c"));
  EXPECT_FALSE(got->queries[0].matchers[1].Matches("a"));
  EXPECT_EQ(got->queries[1].matchers[0].String(), "x!=\"\"");
}

// --matcher-cache-size: the second identical request takes its regex from the cache.
TEST(DecodeReadRequest, RegexMatchersComeFromTheMatchersCache) {
  prometheus::Registry registry;
  cache::MatchersCache matchers_cache(10, registry);
  const std::string body = EncodeRequest(MakeRequest(
      0, 1, {{LabelMatcher::EQ, "__name__", "up"}, {LabelMatcher::RE, "job", "a|b.*"}}, {}));
  for (int i = 0; i < 2; ++i) {
    auto got = DecodeReadRequest(body, &matchers_cache);
    ASSERT_OK(got.status());
    ASSERT_EQ(got->queries[0].matchers.size(), 2u);
    EXPECT_EQ(got->queries[0].matchers[1].String(), "job=~\"a|b.*\"");
    EXPECT_TRUE(got->queries[0].matchers[1].Matches("bc"));
    EXPECT_FALSE(got->queries[0].matchers[1].Matches("c"));
  }
  EXPECT_EQ(matchers_cache.ItemCount(), 1);
  double hits = -1;
  for (const prometheus::MetricFamily& f : registry.Collect()) {
    if (f.name == "thanos_matchers_cache_hits_total") hits = f.metric.at(0).counter.value;
  }
  EXPECT_EQ(hits, 1);
}

TEST(DecodeReadRequest, ResponseTypeNegotiation) {
  struct Case {
    std::vector<ReadRequest::ResponseType> accepted;
    ReadResponseType want;
  };
  for (const Case& c : std::vector<Case>{
           {{}, ReadResponseType::kSamples},
           {{ReadRequest::SAMPLES}, ReadResponseType::kSamples},
           {{ReadRequest::SAMPLES, ReadRequest::STREAMED_XOR_CHUNKS}, ReadResponseType::kSamples},
           {{ReadRequest::STREAMED_XOR_CHUNKS}, ReadResponseType::kStreamedXorChunks},
           {{static_cast<ReadRequest::ResponseType>(7), ReadRequest::STREAMED_XOR_CHUNKS},
            ReadResponseType::kStreamedXorChunks},
       }) {
    SCOPED_TRACE(c.accepted.size());
    auto got = DecodeReadRequest(
        EncodeRequest(MakeRequest(0, 1, {{LabelMatcher::EQ, "a", "b"}}, c.accepted)));
    ASSERT_OK(got.status());
    EXPECT_EQ(got->response_type, c.want);
  }
  EXPECT_THAT(
      DecodeReadRequest(EncodeRequest(MakeRequest(0, 1, {{LabelMatcher::EQ, "a", "b"}},
                                                  {static_cast<ReadRequest::ResponseType>(7)}))),
      StatusIs(absl::StatusCode::kInvalidArgument, "none of the accepted response types"));
}

TEST(DecodeReadRequest, BadRequestsSayWhy) {
  std::string not_proto;
  const std::string garbage = "\xff\xff\xff\xff garbage";
  snappy::Compress(garbage.data(), garbage.size(), &not_proto);
  ReadRequest no_queries;
  struct Case {
    std::string body;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {"", "not snappy"},
           {"\xff\xff\xff\xff\xff\xff", "not snappy"},
           {not_proto, "not a protobuf ReadRequest"},
           {EncodeRequest(no_queries), "no queries"},
           {EncodeRequest(MakeRequest(0, 1, {}, {})), "query 0 has no matchers"},
           {EncodeRequest(MakeRequest(0, 1, {{LabelMatcher::RE, "a", "("}}, {})), "query 0: "},
           {EncodeRequest(MakeRequest(5, 4, {{LabelMatcher::EQ, "a", "b"}}, {})),
            "start 5 is after end 4"},
       }) {
    SCOPED_TRACE(c.want);
    EXPECT_THAT(DecodeReadRequest(c.body), StatusIs(absl::StatusCode::kInvalidArgument, c.want));
  }
}

TEST(AppendFrame, LengthThenBigEndianCastagnoliThenMessage) {
  std::string out;
  AppendFrame("123456789", &out);
  // CRC-32C("123456789") = 0xE3069283.
  EXPECT_EQ(out, std::string("\x09\xE3\x06\x92\x83"
                             "123456789",
                             14));
}

tsdb::Labels TestLabels() { return {{"__name__", "up"}, {"job", "api"}}; }

TEST(AppendSeriesFrames, OneFrameParsesToTheSeries) {
  const std::string d1(100, 'a'), d2(50, 'b');
  std::vector<FrameChunk> chunks = {{-10, 20, 1, d1}, {30, 40, 2, d2}};
  std::string out;
  AppendSeriesFrames(TestLabels(), chunks, 3, 1 << 20, &out);
  auto frames = ParseFrames(out);
  ASSERT_OK(frames.status());
  ASSERT_EQ(frames->size(), 1u);
  const prompb::ChunkedReadResponse& m = (*frames)[0].msg;
  EXPECT_EQ(m.query_index(), 3);
  ASSERT_EQ(m.chunked_series_size(), 1);
  const prompb::ChunkedSeries& s = m.chunked_series(0);
  ASSERT_EQ(s.labels_size(), 2);
  EXPECT_EQ(s.labels(0).name(), "__name__");
  EXPECT_EQ(s.labels(1).value(), "api");
  ASSERT_EQ(s.chunks_size(), 2);
  EXPECT_EQ(s.chunks(0).min_time_ms(), -10);
  EXPECT_EQ(s.chunks(0).max_time_ms(), 20);
  EXPECT_EQ(s.chunks(0).type(), prompb::Chunk::XOR);
  EXPECT_EQ(s.chunks(0).data(), d1);
  EXPECT_EQ(s.chunks(1).type(), prompb::Chunk::HISTOGRAM);
  EXPECT_EQ(s.chunks(1).data(), d2);
  // Byte for byte what protobuf writes.
  EXPECT_EQ((*frames)[0].size, m.ByteSizeLong());
  EXPECT_EQ(out.substr(out.size() - m.ByteSizeLong()), m.SerializeAsString());
}

TEST(AppendSeriesFrames, CutsFramesAtTheByteLimitAndRepeatsLabels) {
  std::vector<std::string> data;
  for (int i = 0; i < 10; ++i) data.push_back(std::string(100, static_cast<char>('a' + i)));
  std::vector<FrameChunk> chunks;
  for (int i = 0; i < 10; ++i) chunks.push_back({i * 10, i * 10 + 9, 1, data[i]});
  const int64_t limit = 350;
  std::string out;
  AppendSeriesFrames(TestLabels(), chunks, 0, limit, &out);
  auto frames = ParseFrames(out);
  ASSERT_OK(frames.status());
  ASSERT_GT(frames->size(), 3u);
  std::vector<std::string> seen;
  for (const ParsedFrame& f : *frames) {
    const prompb::ChunkedSeries& s = f.msg.chunked_series(0);
    EXPECT_EQ(s.labels_size(), 2);
    EXPECT_LE(static_cast<int64_t>(s.ByteSizeLong()), limit);
    for (const prompb::Chunk& c : s.chunks()) seen.push_back(c.data());
  }
  EXPECT_EQ(seen, data);
}

TEST(AppendSeriesFrames, ChunkLargerThanTheLimitGoesAlone) {
  const std::string big(1000, 'x'), small(10, 'y');
  std::vector<FrameChunk> chunks = {{0, 1, 1, small}, {2, 3, 1, big}, {4, 5, 1, small}};
  std::string out;
  AppendSeriesFrames(TestLabels(), chunks, 0, 100, &out);
  auto frames = ParseFrames(out);
  ASSERT_OK(frames.status());
  ASSERT_EQ(frames->size(), 3u);
  EXPECT_EQ((*frames)[1].msg.chunked_series(0).chunks(0).data(), big);
}

TEST(ParseFrames, DetectsCorruption) {
  std::string out;
  AppendSeriesFrames(TestLabels(), std::vector<FrameChunk>{{0, 1, 1, "abc"}}, 0, 1 << 20, &out);
  std::string flipped = out;
  flipped.back() ^= 1;
  EXPECT_THAT(ParseFrames(flipped), StatusIs(absl::StatusCode::kDataLoss, "bad CRC"));
  EXPECT_THAT(ParseFrames(out.substr(0, out.size() - 1)),
              StatusIs(absl::StatusCode::kDataLoss, "truncated"));
}

}  // namespace
}  // namespace charon::server::http
