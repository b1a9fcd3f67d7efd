// The oracle for block decoders: what `promtool tsdb dump` reads from real Prometheus blocks.
//
// `promtool tsdb dump` prints one sample per line,
//   {__name__="up", job="a\"b"} 1.5 1700000000123
// with label values quoted as Go's %q (\" \\ \n \t \xNN \uNNNN for unprintable runes; printable
// unicode stays raw), the value as Go's %g (shortest round-trip form, NaN, +Inf, -Inf) and the
// timestamp in ms. Stale markers print as NaN like any other NaN. Blocks with no wal/ dir make
// promtool fail, and it writes wal/ and chunks_head/ into the directory it opens, so DumpBlocks
// hard-links (or copies) the blocks into a scratch directory first and never touches the originals.
// All functions are thread-safe.
#ifndef CHARON_TESTING_PROMTOOL_DUMP_H_
#define CHARON_TESTING_PROMTOOL_DUMP_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/labels.h"

namespace charon::testing {

struct Sample {
  int64_t t = 0;  // ms since the epoch
  double v = 0;
  // Any NaN equals any NaN: the dump prints stale markers and other NaNs alike.
  bool operator==(const Sample& o) const;
};

// Label sets (labels sorted by name) to their samples, sorted by time. std::map orders the label
// sets as Prometheus' labels.Compare does.
using SeriesSamples = std::map<tsdb::Labels, std::vector<Sample>>;

// Total number of samples.
int64_t CountSamples(const SeriesSamples& series);

// Parses promtool's dump output. InvalidArgument naming the line on malformed input.
absl::StatusOr<SeriesSamples> ParsePromtoolDump(std::string_view text);

struct DumpOptions {
  int64_t min_time = std::numeric_limits<int64_t>::min();  // inclusive, ms
  int64_t max_time = std::numeric_limits<int64_t>::max();  // inclusive, ms
  std::string match;                                       // series selector, "" = all series
};

// Dumps the samples of the given block directories (each a <ULID> dir with meta.json, index,
// chunks/) as one TSDB would see them. Overlapping blocks are merged by promtool. Unavailable if
// promtool cannot be run or fails; its stderr is in the message. $CHARON_PROMTOOL overrides the
// binary (default: promtool from PATH).
absl::StatusOr<SeriesSamples> DumpBlocks(const std::vector<std::string>& block_dirs,
                                         const DumpOptions& options = {});

// The promtool binary to run.
std::string PromtoolBinary();

}  // namespace charon::testing

#endif  // CHARON_TESTING_PROMTOOL_DUMP_H_
