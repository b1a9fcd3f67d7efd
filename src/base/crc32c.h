// CRC-32C (Castagnoli), the checksum of every Prometheus TSDB section, chunk and series entry.
// Thread-safe, no state. Uses the SSE4.2 instruction when the CPU has it.
#ifndef CHARON_BASE_CRC32C_H_
#define CHARON_BASE_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace charon::base {

// Extends `crc` (the finished value of a previous call, 0 to start) with `data`.
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace charon::base

#endif  // CHARON_BASE_CRC32C_H_
