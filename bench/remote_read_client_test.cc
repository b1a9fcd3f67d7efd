#include "bench/remote_read_client.h"

#include <gtest/gtest.h>

#include "server/http/remote_read_codec.h"
#include "testing/status_matchers.h"

namespace charon::bench {
namespace {

using ::charon::testing::StatusIs;

TEST(CountStreamed, CountsSeriesAcrossFramesChunksAndFrames) {
  const std::string data(300, 'x');
  std::vector<server::http::FrameChunk> chunks(5, {0, 1, 1, data});
  std::string body;
  // Series a in several frames (200-byte frames), then b in one.
  server::http::AppendSeriesFrames({{"__name__", "a"}}, chunks, 0, 200, &body);
  server::http::AppendSeriesFrames({{"__name__", "b"}},
                                   std::vector<server::http::FrameChunk>(2, {0, 1, 1, "yz"}), 0,
                                   1 << 20, &body);
  auto c = CountStreamed(body);
  ASSERT_OK(c.status());
  EXPECT_EQ(c->series, 2);
  EXPECT_EQ(c->chunks, 7);
  EXPECT_EQ(c->frames, 6);
  EXPECT_EQ(c->wire_bytes, static_cast<int64_t>(body.size()));
  body[body.size() - 1] ^= 1;
  EXPECT_THAT(CountStreamed(body), StatusIs(absl::StatusCode::kDataLoss, "corrupted frame"));
}

}  // namespace
}  // namespace charon::bench
