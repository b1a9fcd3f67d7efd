// The benchmark dataset: a Kubernetes-like cluster scraped every 15 s, rendered as OpenMetrics text
// one 2h window at a time (one promtool call per window keeps promtool's memory bounded).
//
// What a window holds:
//  * per node (stable across windows, so these series span every block): node_cpu_seconds_total
//    per cpu and mode, node memory gauges, up{job="node-exporter"}, kubelet_running_pods;
//  * per deployment (stable): kube_deployment_spec_replicas, the ~100-series selective metric;
//  * per pod (pods churn: at each window boundary a pod is replaced with probability `churn`, and
//    the replacement has a new name and usually a new node): cAdvisor container series for 2-3
//    containers, network counters, kube-state pod series, and an http_request_duration_seconds
//    histogram (_bucket{le=...} x 9, _sum, _count) for one or two handlers;
//  * a few long series (bench_long_series{id}) present in every window.
// Output is deterministic for a (size, window) pair: the same bytes on every run.
#ifndef CHARON_BENCH_DATASET_GENERATOR_H_
#define CHARON_BENCH_DATASET_GENERATOR_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace charon::bench {

// Bumped whenever the generated series or samples change: it is part of the dataset cache key.
inline constexpr int kGeneratorVersion = 1;

// 2023-11-14T22:00:00Z, a multiple of 2h, so each window fills exactly one block.
inline constexpr int64_t kDatasetStartMs = 1699999200000;
inline constexpr int64_t kWindowMs = 2 * 3600 * 1000;
inline constexpr int64_t kScrapeIntervalMs = 15 * 1000;

struct DatasetSize {
  std::string name;  // tiny | small | default | large
  int windows = 0;   // 2h blocks
  int namespaces = 0;
  int deployments_per_namespace = 0;
  int pods_per_deployment = 0;
  int nodes = 0;
  double churn = 0;  // probability that a pod is replaced at a window boundary
  int long_series = 0;

  int64_t start_ms() const { return kDatasetStartMs; }
  int64_t end_ms() const { return kDatasetStartMs + windows * kWindowMs - 1; }
};

// InvalidArgument for an unknown name.
absl::StatusOr<DatasetSize> DatasetSizeByName(std::string_view name);

struct WindowStats {
  int64_t series = 0;
  int64_t samples = 0;
  int64_t bytes = 0;
};

// Writes window `window` (0-based) as a complete OpenMetrics document (ending in "# EOF") to `out`.
// InvalidArgument for a window out of range; Unavailable on a write error.
absl::StatusOr<WindowStats> WriteWindow(const DatasetSize& size, int window, std::FILE* out);

}  // namespace charon::bench

#endif  // CHARON_BENCH_DATASET_GENERATOR_H_
