// The benchmark's query set: one row per query, each run against Charon (StoreAPI over gRPC) and
// against Prometheus (remote read for series, the HTTP API for metadata). Selectors are written
// for the generated dataset (see dataset_generator.h); expected sizes are for the default size.
#ifndef CHARON_BENCH_QUERY_SET_H_
#define CHARON_BENCH_QUERY_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/dataset_generator.h"

namespace charon::bench {

enum class MatchType { kEq, kNeq, kRe, kNre };

struct MatcherSpec {
  MatchType type = MatchType::kEq;
  std::string name;
  std::string value;
};

enum class QueryKind {
  kSeries,            // StoreAPI Series with chunks | remote read STREAMED_XOR_CHUNKS
  kSeriesSkipChunks,  // StoreAPI Series skip_chunks | GET /api/v1/series
  kLabelNames,        // StoreAPI LabelNames         | GET /api/v1/labels
  kLabelValues,       // StoreAPI LabelValues        | GET /api/v1/label/<name>/values
};

struct BenchQuery {
  std::string name;  // short row name, e.g. "medium"
  QueryKind kind = QueryKind::kSeries;
  std::vector<MatcherSpec> matchers;
  std::string label;  // for kLabelValues
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;

  bool is_series() const { return kind == QueryKind::kSeries; }
};

// The rows, over the dataset's whole time range.
std::vector<BenchQuery> QuerySet(const DatasetSize& size);

// PromQL selector text, e.g. {__name__="up",job=~"a|b"}; values are Go-quoted.
std::string PromQLSelector(const std::vector<MatcherSpec>& matchers);

// What the row asks, for the table: the selector, "label names", "values of pod {ns="a"}".
std::string Describe(const BenchQuery& q);

}  // namespace charon::bench

#endif  // CHARON_BENCH_QUERY_SET_H_
