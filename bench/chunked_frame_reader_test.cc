#include "bench/chunked_frame_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/crc32c.h"

namespace charon::bench {
namespace {

std::string Frame(const std::string& msg) {
  std::string out;
  uint64_t len = msg.size();
  do {
    uint8_t b = len & 0x7f;
    len >>= 7;
    out.push_back(static_cast<char>(len != 0 ? (b | 0x80) : b));
  } while (len != 0);
  uint32_t crc = base::Crc32c(msg);
  for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((crc >> shift) & 0xff));
  return out + msg;
}

TEST(ChunkedFrameReader, AnySplitGivesTheSameFrames) {
  const std::vector<std::string> msgs = {"a", std::string(300, 'x'), "", "last"};
  std::string body;
  for (const std::string& m : msgs) body += Frame(m);
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, body.size()}) {
    SCOPED_TRACE(piece);
    std::vector<std::string> got;
    ChunkedFrameReader r([&](std::string_view m) {
      got.emplace_back(m);
      return absl::OkStatus();
    });
    for (size_t pos = 0; pos < body.size(); pos += piece) {
      ASSERT_TRUE(r.Feed(std::string_view(body).substr(pos, piece)).ok());
    }
    EXPECT_TRUE(r.Finish().ok());
    EXPECT_EQ(got, msgs);
    EXPECT_EQ(r.frames(), 4);
  }
}

TEST(ChunkedFrameReader, BadCrcIsDataLoss) {
  std::string body = Frame("hello");
  body.back() ^= 1;
  ChunkedFrameReader r([](std::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(r.Feed(body).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.Finish().code(), absl::StatusCode::kDataLoss);
}

TEST(ChunkedFrameReader, TruncatedBodyIsDataLossAtFinish) {
  std::string body = Frame("hello");
  body.pop_back();
  ChunkedFrameReader r([](std::string_view) { return absl::OkStatus(); });
  EXPECT_TRUE(r.Feed(body).ok());
  EXPECT_EQ(r.Finish().code(), absl::StatusCode::kDataLoss);
}

TEST(ChunkedFrameReader, CallbackErrorStopsTheReader) {
  ChunkedFrameReader r([](std::string_view) { return absl::InternalError("stop"); });
  EXPECT_EQ(r.Feed(Frame("a") + Frame("b")).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(r.frames(), 1);
}

}  // namespace
}  // namespace charon::bench
