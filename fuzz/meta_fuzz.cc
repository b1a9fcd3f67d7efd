// meta.json text of any shape: InvalidArgument or a parsed meta, never an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tsdb/block_meta.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto meta = charon::tsdb::ParseBlockMeta(in);
  if (meta.ok() && meta->raw_json != in) __builtin_trap();
  if (!meta.ok() && meta.status().code() != absl::StatusCode::kInvalidArgument) __builtin_trap();
  return 0;
}
