// Splits a remote-read STREAMED_XOR_CHUNKS body into its frames as bytes arrive:
//
//   frame: uvarint(len(msg)) | CRC-32C(msg) as u32 big-endian | msg (a ChunkedReadResponse)
//
// Feed() may be called with any split of the body; each complete frame is checked and handed to
// the callback as a view into the reader's buffer (valid only during the call). Not thread-safe.
#ifndef CHARON_BENCH_CHUNKED_FRAME_READER_H_
#define CHARON_BENCH_CHUNKED_FRAME_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace charon::bench {

class ChunkedFrameReader {
 public:
  // Frames longer than this are refused (Prometheus' client default chunked_read_limit is 5e7).
  static constexpr uint64_t kMaxFrameBytes = 50'000'000;

  using FrameFn = std::function<absl::Status(std::string_view msg)>;
  explicit ChunkedFrameReader(FrameFn on_frame) : on_frame_(std::move(on_frame)) {}

  // DataLoss for a bad CRC, a malformed length or a frame over kMaxFrameBytes; otherwise the first
  // error the callback returned. The reader stays failed after an error.
  absl::Status Feed(std::string_view bytes);

  // OK if the body ended on a frame boundary; DataLoss if it ended inside a frame.
  absl::Status Finish() const;

  int64_t frames() const { return frames_; }

 private:
  // Consumes complete frames from `data`; returns how many bytes were used.
  absl::Status Consume(std::string_view data, size_t* used);

  FrameFn on_frame_;
  std::string pending_;  // an incomplete frame carried over between Feed calls
  absl::Status status_;
  int64_t frames_ = 0;
};

}  // namespace charon::bench

#endif  // CHARON_BENCH_CHUNKED_FRAME_READER_H_
