// What one benchmark call returned, counted while streaming (nothing of the answer is kept).
#ifndef CHARON_BENCH_CALL_COUNTS_H_
#define CHARON_BENCH_CALL_COUNTS_H_

#include <cstdint>

namespace charon::bench {

struct CallCounts {
  int64_t items = 0;        // distinct series, or label names/values
  int64_t chunks = 0;       // raw chunks received
  int64_t chunk_bytes = 0;  // bytes of chunk data
  int64_t frames = 0;       // stream messages (gRPC SeriesResponse, remote-read frames)
  int64_t wire_bytes = 0;   // response bytes as received, where the client sees them

  CallCounts& operator+=(const CallCounts& o) {
    items += o.items;
    chunks += o.chunks;
    chunk_bytes += o.chunk_bytes;
    frames += o.frames;
    wire_bytes += o.wire_bytes;
    return *this;
  }
};

}  // namespace charon::bench

#endif  // CHARON_BENCH_CALL_COUNTS_H_
