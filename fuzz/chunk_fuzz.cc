// Chunk records and XOR chunk data of any shape. Whatever decodes must survive a re-encode with
// the same samples (compared by bits).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tsdb/chunk_record.h"
#include "tsdb/xor_chunk.h"

namespace {

using namespace charon::tsdb;

void CheckXor(std::string_view data) {
  XorIterator it(data);
  std::vector<std::pair<int64_t, uint64_t>> samples;
  while (it.Next()) samples.emplace_back(it.t(), it.v_bits());
  if (!it.status().ok()) return;
  XorEncoder enc;
  for (auto [t, bits] : samples) enc.Append(t, std::bit_cast<double>(bits));
  XorIterator again(enc.bytes());
  for (auto [t, bits] : samples) {
    if (!again.Next() || again.t() != t || again.v_bits() != bits) __builtin_trap();
  }
  if (again.Next() || !again.status().ok()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)CheckChunkSegmentHeader(in);
  (void)ChunkRecordSize(in);
  for (bool verify : {true, false}) {
    auto rec = DecodeChunkRecord(in, verify);
    if (rec.ok()) {
      if (rec->total_size > size) __builtin_trap();
      (void)ChunkNumSamples(rec->encoding, rec->data);
      if (rec->encoding == static_cast<uint8_t>(ChunkEncoding::kXor)) CheckXor(rec->data);
    }
  }
  for (int enc : {1, 2, 5, 0xFF}) (void)ChunkNumSamples(static_cast<uint8_t>(enc), in);
  CheckXor(in);
  return 0;
}
