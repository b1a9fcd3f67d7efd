// Renders a BenchReport as the markdown tables of bench/RESULTS.md: warm rows per concurrency
// level, cold first calls, server figures (ready time, RSS, index-header size), the client's own
// overhead, and the targets with their verdicts. Pure; thread-safe.
#ifndef CHARON_BENCH_BENCH_REPORT_H_
#define CHARON_BENCH_BENCH_REPORT_H_

#include <string>

#include "bench/bench_runner.h"

namespace charon::bench {

std::string RenderMarkdown(const BenchReport& report);

}  // namespace charon::bench

#endif  // CHARON_BENCH_BENCH_REPORT_H_
