// The postings codecs of Thanos' index cache (pkg/store/postings_codec.go), so that Charon and
// Thanos stores read each other's cached postings.
//
//   "dss" + snappy framing-format stream   (written; Thanos >= 0.32 writes it)
//   "dvs" + snappy block                    (read only; older Thanos)
//
// In both, the payload is the ascending refs as uvarint deltas (the first one from 0). The
// framing format (github.com/google/snappy framing_format.txt):
//   stream identifier  FF 06 00 00 "sNaPpY"
//   chunk              type (00 compressed, 01 uncompressed), 3-byte LE length of what follows,
//                      4-byte LE masked CRC-32C of the uncompressed data, data (<= 64 KiB
//                      uncompressed); types 80..FD are padding and skipped.
// A varint may straddle two chunks.
#ifndef CHARON_CACHE_POSTINGS_CODEC_H_
#define CHARON_CACHE_POSTINGS_CODEC_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace charon::cache {

// "dss" encoding of `refs` (ascending).
std::string EncodePostings(std::span<const uint64_t> refs);

// Decodes a "dss" or "dvs" value. DataLoss naming what is wrong: an unknown prefix, a bad
// stream, a CRC mismatch, a truncated varint, refs not ascending.
absl::StatusOr<std::vector<uint64_t>> DecodePostings(std::string_view value);

}  // namespace charon::cache

#endif  // CHARON_CACHE_POSTINGS_CODEC_H_
