// Raw samples of many series, as both sides of the conformance test see them, and a readable diff.
//
// Values are kept as IEEE-754 bits so that comparison is bit-exact (-0 differs from 0, every NaN
// payload is distinct). Pure functions; thread-compatible.
#ifndef CHARON_TESTS_E2E_SERIES_DIFF_H_
#define CHARON_TESTS_E2E_SERIES_DIFF_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tsdb/labels.h"

namespace charon::e2e {

struct RawSample {
  int64_t t = 0;
  uint64_t bits = 0;
  bool operator==(const RawSample&) const = default;
};

// Label sets to samples sorted by time; std::map orders label sets as labels.Compare does.
using SeriesSet = std::map<tsdb::Labels, std::vector<RawSample>>;

uint64_t DoubleBits(double v);
double BitsDouble(uint64_t bits);

// "t=1700000000123 (2023-11-14T22:15:00.123Z) v=0.5 [0x3fe0000000000000]".
std::string FormatSample(const RawSample& s);

// Empty when `want` equals `got`. Otherwise one line per missing or unexpected series and, for
// series on both sides, the first differing samples; at most `max_lines` lines, then a count of the
// rest.
std::string DiffSeriesSets(const SeriesSet& want, const SeriesSet& got, int max_lines = 30);

// Same for two sorted string lists (label names or values).
std::string DiffStringLists(const std::vector<std::string>& want,
                            const std::vector<std::string>& got);

int64_t CountSamples(const SeriesSet& s);

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_SERIES_DIFF_H_
