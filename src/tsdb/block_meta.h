// meta.json of a block: Prometheus' fields and Thanos' "thanos" section.
#ifndef CHARON_TSDB_BLOCK_META_H_
#define CHARON_TSDB_BLOCK_META_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/ulid.h"

namespace charon::tsdb {

struct BlockFile {
  std::string rel_path;
  int64_t size_bytes = 0;  // 0 when absent
};

struct BlockMeta {
  base::Ulid ulid;
  int64_t min_time = 0;  // inclusive, ms
  int64_t max_time = 0;  // exclusive, ms
  int version = 1;       // meta.json version

  struct Stats {
    uint64_t num_samples = 0, num_series = 0, num_chunks = 0, num_tombstones = 0;
    uint64_t num_float_samples = 0, num_histogram_samples = 0;
  } stats;

  struct Compaction {
    int level = 0;
    std::vector<base::Ulid> sources;
    std::vector<base::Ulid> parents;
    bool deletable = false, failed = false;
    std::vector<std::string> hints;
  } compaction;

  // Thanos section; `has_thanos` is false when meta.json has no "thanos" key.
  bool has_thanos = false;
  std::map<std::string, std::string> external_labels;  // thanos.labels
  int64_t downsample_resolution = 0;                   // ms; 0 raw, 300000, 3600000
  std::string source;                                  // thanos.source
  std::vector<std::string> segment_files;              // deprecated, optional
  std::vector<BlockFile> files;
  int64_t series_max_size = 0;  // thanos.index_stats; 0 = unknown
  int64_t chunk_max_size = 0;
  std::optional<absl::Time> upload_time;

  // The original JSON text, served unchanged by /api/v1/blocks.
  std::string raw_json;
};

// Parses meta.json. InvalidArgument (with the offending key in the message) on malformed JSON,
// a missing/invalid ulid, or minTime > maxTime. Does not check `version`; see the fetcher.
absl::StatusOr<BlockMeta> ParseBlockMeta(std::string_view json);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_BLOCK_META_H_
