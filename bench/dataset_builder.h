// Builds (or reuses) the benchmark dataset on disk: for each 2h window, the generator writes an
// OpenMetrics file, `promtool tsdb create-blocks-from openmetrics` turns it into one block, and the
// file is deleted. One window per promtool call bounds promtool's memory by the series of one
// window, which is what makes the large size buildable.
//
// Cache layout: <cache_root>/v<generator version>-<size>/{blocks/<ULID>/..., dataset.json}. The
// directory is built under a temporary name and renamed when complete, so a present directory is
// a complete dataset; concurrent builders race harmlessly (the loser's copy is dropped).
#ifndef CHARON_BENCH_DATASET_BUILDER_H_
#define CHARON_BENCH_DATASET_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/dataset_generator.h"

namespace charon::bench {

struct WindowBuild {
  int64_t series = 0;
  int64_t samples = 0;
  int64_t text_bytes = 0;
  double generate_seconds = 0;
  double promtool_seconds = 0;
  int64_t promtool_max_rss_bytes = 0;
};

struct Dataset {
  DatasetSize size;
  std::string dir;         // the cache entry
  std::string blocks_dir;  // <dir>/blocks: a FILESYSTEM bucket root and a Prometheus data dir
  std::vector<WindowBuild> windows;
  bool reused = false;  // true when found in the cache
};

// $CHARON_BENCH_CACHE if set, else `fallback`.
std::string DatasetCacheRoot(const std::string& fallback);

// Returns the cached dataset or builds it. `promtool` is looked up in PATH. Unavailable when
// promtool fails (its log stays in the temporary build directory, named in the message).
absl::StatusOr<Dataset> EnsureDataset(const DatasetSize& size, const std::string& cache_root,
                                      const std::string& promtool = "promtool");

}  // namespace charon::bench

#endif  // CHARON_BENCH_DATASET_BUILDER_H_
