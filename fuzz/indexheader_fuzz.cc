// Opens arbitrary bytes as an index-header file and, if that succeeds, asks every question the
// reader answers. Corrupt input must give an error status, never a crash or an out-of-bounds read.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/crc32c.h"
#include "indexheader/index_header_reader.h"

namespace {

const std::string& ScratchPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/indexheader_fuzz." +
           std::to_string(::getpid());
  }();
  return path;
}

bool WriteAll(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

uint32_t Be32(const std::string& b, size_t pos) {
  return (uint32_t{static_cast<uint8_t>(b[pos])} << 24) |
         (uint32_t{static_cast<uint8_t>(b[pos + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[pos + 2])} << 8) | static_cast<uint8_t>(b[pos + 3]);
}
uint64_t Be64(const std::string& b, size_t pos) {
  return (uint64_t{Be32(b, pos)} << 32) | Be32(b, pos + 4);
}
void SetCrc(std::string* b, size_t pos, std::string_view covered) {
  uint32_t crc = charon::base::Crc32c(covered);
  for (int i = 0; i < 4; ++i) (*b)[pos + i] = static_cast<char>(crc >> (24 - 8 * i));
}
// Recomputes every checksum the reader verifies wherever the layout allows, so that mutations
// reach the decoding behind them instead of stopping at a CRC mismatch.
std::string FixCrcs(std::string b) {
  const size_t n = b.size();
  if (n < 14 + 20 + 52) return b;
  const uint64_t postings = Be64(b, n - 12);
  for (uint64_t section : {uint64_t{14}, postings}) {
    if (section > n - 8) continue;
    const uint64_t len = Be32(b, section);
    if (len > n - 8 - section) continue;
    SetCrc(&b, section + 4 + len, std::string_view(b).substr(section + 4, len));
  }
  SetCrc(&b, n - 24, std::string_view(b).substr(n - 72, 48));
  SetCrc(&b, n - 4, std::string_view(b).substr(n - 20, 16));
  return b;
}

void Exercise(const charon::indexheader::IndexHeaderReader& r) {
  absl::StatusOr<std::vector<std::string>> names = r.LabelNames();
  if (!names.ok()) return;
  names->push_back("");
  for (const std::string& name : *names) {
    absl::StatusOr<std::vector<std::string>> values = r.LabelValues(name);
    if (!values.ok()) continue;
    values->push_back("\xff");
    (void)r.PostingsRanges(name, *values);
  }
  for (uint32_t ref = 0; ref < 64; ++ref) (void)r.LookupSymbol(ref);
  (void)r.LookupSymbol(0xFFFFFFFF);
  (void)r.MemoryBytes();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = ScratchPath();
  const std::string raw(reinterpret_cast<const char*>(data), size);
  for (const std::string& bytes : {raw, FixCrcs(raw)}) {
    if (!WriteAll(path, bytes)) return 0;
    // Sampling 1 and 3 take different paths through the sampled table.
    for (int sampling : {1, 3}) {
      auto reader = charon::indexheader::IndexHeaderReader::Open(path, sampling);
      if (reader.ok()) Exercise(**reader);
    }
  }
  return 0;
}
