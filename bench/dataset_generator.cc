#include "bench/dataset_generator.h"

#include <array>
#include <charconv>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::bench {
namespace {

constexpr int kSamplesPerWindow = static_cast<int>(kWindowMs / kScrapeIntervalMs);
constexpr std::array<std::string_view, 12> kDeploymentWords = {
    "api",    "web",    "worker",   "cache",   "auth",      "billing",
    "search", "ingest", "notifier", "gateway", "scheduler", "reporter"};
constexpr std::array<std::string_view, 8> kCpuModes = {"idle", "user", "system",  "iowait",
                                                       "irq",  "nice", "softirq", "steal"};
constexpr std::array<std::string_view, 9> kBucketBounds = {"0.005", "0.01", "0.025", "0.05", "0.1",
                                                           "0.25",  "0.5",  "1",     "+Inf"};
constexpr std::array<double, 9> kBucketShare = {0.08, 0.2, 0.41, 0.62, 0.8, 0.92, 0.97, 0.995, 1.0};
constexpr int kCpusPerNode = 4;

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t Mix(uint64_t a, uint64_t b) { return Mix(a * 0x100000001b3ULL ^ Mix(b)); }
uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) { return Mix(Mix(a, b), c); }
double Unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

std::string Base36(uint64_t v, int digits) {
  static constexpr char kDigits[] = "bcdfghjklmnpqrstvwxz2456789";  // like Kubernetes' suffixes
  std::string out(static_cast<size_t>(digits), 'x');
  for (int i = 0; i < digits; ++i) {
    out[static_cast<size_t>(i)] = kDigits[v % 27];
    v /= 27;
  }
  return out;
}

struct Pod {
  std::string ns;
  std::string deployment;
  std::string name;
  std::string node;
  std::string instance;  // node IP:10250, the kubelet that reports the cAdvisor series
  std::string pod_ip;
  int deployment_index = 0;
  uint64_t seed = 0;
};

std::string DeploymentName(int d) {
  const int words = static_cast<int>(kDeploymentWords.size());
  return absl::StrCat(base::Absl(kDeploymentWords[static_cast<size_t>(d % words)]), "-", d / words);
}

std::string NodeName(int n) { return absl::StrCat("node-", n / 100, (n / 10) % 10, n % 10); }
std::string NodeIp(int n) { return absl::StrCat("10.0.", n / 250, ".", n % 250 + 2); }

std::vector<Pod> PodsOfWindow(const DatasetSize& size, int window) {
  std::vector<Pod> pods;
  for (int ns = 0; ns < size.namespaces; ++ns) {
    for (int d = 0; d < size.deployments_per_namespace; ++d) {
      const int deployment_index = ns * size.deployments_per_namespace + d;
      const std::string deployment = DeploymentName(deployment_index);
      for (int slot = 0; slot < size.pods_per_deployment; ++slot) {
        int generation = 0;
        for (int w = 1; w <= window; ++w) {
          if (Unit(Mix(deployment_index, slot, w)) < size.churn) ++generation;
        }
        Pod p;
        p.seed = Mix(Mix(deployment_index, slot), generation, 0x706f64);
        p.ns = absl::StrCat("ns-", ns / 10, ns % 10);
        p.deployment = deployment;
        p.deployment_index = deployment_index;
        // A rollout changes the ReplicaSet hash of every pod of the deployment: use the generation.
        p.name = absl::StrCat(deployment, "-", Base36(Mix(deployment_index, generation), 9), "-",
                              Base36(p.seed, 5));
        const int node = static_cast<int>(p.seed % static_cast<uint64_t>(size.nodes));
        p.node = NodeName(node);
        p.instance = absl::StrCat(NodeIp(node), ":10250");
        p.pod_ip = absl::StrCat("10.", 64 + (p.seed >> 8) % 64, ".", (p.seed >> 16) % 256, ".",
                                (p.seed >> 24) % 254 + 1);
        pods.push_back(std::move(p));
      }
    }
  }
  return pods;
}

std::vector<std::string_view> ContainersOf(const Pod& p) {
  if (p.deployment_index % 3 == 0) return {"app", "istio-proxy", "log-shipper"};
  return {"app", "istio-proxy"};
}

std::vector<std::string_view> HandlersOf(const Pod& p) {
  if (p.deployment_index % 2 == 0) return {"/api/v1/items", "/healthz"};
  return {"/api/v1/items"};
}

// Buffered writer of sample lines: the label part of a series is formatted once.
class Writer {
 public:
  Writer(std::FILE* out, int window) : out_(out), window_(window) { buf_.reserve(1 << 20); }

  void Type(std::string_view family, std::string_view type) {
    absl::StrAppend(&buf_, "# TYPE ", base::Absl(family), " ", base::Absl(type), "\n");
    Flush(false);
  }

  // One series: `value(i)` for the absolute sample index i (continuous across windows), rounded
  // to `quantum` so that the XOR chunks compress like real data.
  template <typename F>
  void Series(const std::string& series, F value, double quantum) {
    ++stats_.series;
    const int64_t first = static_cast<int64_t>(window_) * kSamplesPerWindow;
    for (int64_t i = first; i < first + kSamplesPerWindow; ++i) {
      buf_ += series;
      buf_ += ' ';
      AppendQuantized(value(i), quantum);
      buf_ += ' ';
      AppendInt((kDatasetStartMs + i * kScrapeIntervalMs) / 1000);
      buf_ += '\n';
      ++stats_.samples;
    }
    Flush(false);
  }

  absl::StatusOr<WindowStats> Finish() {
    buf_ += "# EOF\n";
    Flush(true);
    if (failed_) return absl::UnavailableError("writing the OpenMetrics output failed");
    return stats_;
  }

 private:
  // Whole multiples of `quantum` print as integers; finer quanta (powers of ten) as fixed-point.
  void AppendQuantized(double v, double quantum) {
    char tmp[48];
    std::to_chars_result res;
    if (quantum >= 1) {
      res = std::to_chars(
          tmp, tmp + sizeof(tmp),
          static_cast<int64_t>(std::llround(v / quantum)) * static_cast<int64_t>(quantum));
    } else {
      int decimals = static_cast<int>(std::lround(-std::log10(quantum)));
      res = std::to_chars(tmp, tmp + sizeof(tmp), std::round(v / quantum) * quantum,
                          std::chars_format::fixed, decimals);
    }
    buf_.append(tmp, res.ptr);
  }
  void AppendInt(int64_t v) {
    char tmp[24];
    auto res = std::to_chars(tmp, tmp + sizeof(tmp), v);
    buf_.append(tmp, res.ptr);
  }
  void Flush(bool force) {
    if (!force && buf_.size() < (1 << 20)) return;
    if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) failed_ = true;
    stats_.bytes += static_cast<int64_t>(buf_.size());
    buf_.clear();
  }

  std::FILE* out_;
  int window_;
  std::string buf_;
  WindowStats stats_;
  bool failed_ = false;
};

// A counter growing by about `rate` per sample, strictly monotonic.
auto Counter(uint64_t seed, double rate) {
  const double offset = Unit(Mix(seed, 1)) * 1e6 * rate;
  return [=](int64_t i) {
    return offset + rate * (static_cast<double>(i) + 0.9 * Unit(Mix(seed, i)));
  };
}
// A gauge wandering around `base` by up to `spread`.
auto Gauge(uint64_t seed, double base, double spread) {
  return [=](int64_t i) {
    double slow = std::sin(static_cast<double>(i) / 240.0 + Unit(seed) * 6.28);
    return base + spread * (0.7 * slow + 0.3 * Unit(Mix(seed, i)));
  };
}

std::string Quoted(std::string_view name, std::string_view value) {
  return absl::StrCat(base::Absl(name), "=\"", base::Absl(value), "\"");
}

}  // namespace

absl::StatusOr<DatasetSize> DatasetSizeByName(std::string_view name) {
  DatasetSize s;
  s.name = std::string(name);
  if (name == "tiny") {
    s.windows = 2, s.namespaces = 2, s.deployments_per_namespace = 3, s.pods_per_deployment = 8;
    s.nodes = 4, s.churn = 0.5, s.long_series = 2;
  } else if (name == "small") {
    // The remote-bucket mode's blocks: copied up to 256 times, so a few MB each.
    s.windows = 2, s.namespaces = 4, s.deployments_per_namespace = 4, s.pods_per_deployment = 10;
    s.nodes = 8, s.churn = 0.5, s.long_series = 2;
  } else if (name == "default") {
    s.windows = 6, s.namespaces = 16, s.deployments_per_namespace = 6, s.pods_per_deployment = 17;
    s.nodes = 60, s.churn = 0.7, s.long_series = 4;
  } else if (name == "large") {
    s.windows = 8, s.namespaces = 40, s.deployments_per_namespace = 8, s.pods_per_deployment = 20;
    s.nodes = 200, s.churn = 0.7, s.long_series = 4;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown dataset size '", base::Absl(name),
                                                   "' (tiny, small, default, large)"));
  }
  return s;
}

absl::StatusOr<WindowStats> WriteWindow(const DatasetSize& size, int window, std::FILE* out) {
  if (window < 0 || window >= size.windows) {
    return absl::InvalidArgumentError(absl::StrCat("window ", window, " out of range"));
  }
  const std::vector<Pod> pods = PodsOfWindow(size, window);
  Writer w(out, window);

  w.Type("bench_long_series", "gauge");
  for (int id = 0; id < size.long_series; ++id) {
    w.Series(absl::StrCat("bench_long_series{id=\"", id, "\"}"), Gauge(Mix(id, 77), 100, 50), 0.01);
  }

  w.Type("container_cpu_usage_seconds_total", "counter");
  for (const Pod& p : pods) {
    for (std::string_view c : ContainersOf(p)) {
      uint64_t seed = Mix(p.seed, std::hash<std::string_view>()(c), 1);
      w.Series(absl::StrCat("container_cpu_usage_seconds_total{", Quoted("container", c), ",",
                            Quoted("cpu", "total"), ",",
                            Quoted("image", absl::StrCat("registry.example.com/", p.deployment,
                                                         ":v1.", p.seed % 7)),
                            ",", Quoted("instance", p.instance), ",", Quoted("job", "kubelet"), ",",
                            Quoted("namespace", p.ns), ",", Quoted("node", p.node), ",",
                            Quoted("pod", p.name), "}"),
               Counter(seed, 0.05 + Unit(seed) * 2), 0.001);
    }
  }
  w.Type("container_memory_working_set_bytes", "gauge");
  for (const Pod& p : pods) {
    for (std::string_view c : ContainersOf(p)) {
      uint64_t seed = Mix(p.seed, std::hash<std::string_view>()(c), 2);
      w.Series(absl::StrCat("container_memory_working_set_bytes{", Quoted("container", c), ",",
                            Quoted("instance", p.instance), ",", Quoted("job", "kubelet"), ",",
                            Quoted("namespace", p.ns), ",", Quoted("node", p.node), ",",
                            Quoted("pod", p.name), "}"),
               Gauge(seed, 5e7 + Unit(seed) * 5e8, 2e7), 4096);
    }
  }
  w.Type("container_fs_writes_bytes_total", "counter");
  for (const Pod& p : pods) {
    for (std::string_view c : ContainersOf(p)) {
      uint64_t seed = Mix(p.seed, std::hash<std::string_view>()(c), 3);
      w.Series(absl::StrCat("container_fs_writes_bytes_total{", Quoted("container", c), ",",
                            Quoted("device", "/dev/nvme0n1"), ",", Quoted("instance", p.instance),
                            ",", Quoted("job", "kubelet"), ",", Quoted("namespace", p.ns), ",",
                            Quoted("node", p.node), ",", Quoted("pod", p.name), "}"),
               Counter(seed, 4096 * (1 + Unit(seed) * 50)), 512);
    }
  }
  for (std::string_view dir : {"receive", "transmit"}) {
    const std::string family = absl::StrCat("container_network_", base::Absl(dir), "_bytes_total");
    w.Type(family, "counter");
    for (const Pod& p : pods) {
      uint64_t seed = Mix(p.seed, dir.size(), 4);
      w.Series(absl::StrCat(family, "{", Quoted("instance", p.instance), ",",
                            Quoted("interface", "eth0"), ",", Quoted("job", "kubelet"), ",",
                            Quoted("namespace", p.ns), ",", Quoted("node", p.node), ",",
                            Quoted("pod", p.name), "}"),
               Counter(seed, 1e4 * (1 + Unit(seed) * 100)), 1);
    }
  }
  w.Type("kube_pod_info", "gauge");
  for (const Pod& p : pods) {
    w.Series(
        absl::StrCat("kube_pod_info{", Quoted("created_by_kind", "ReplicaSet"), ",",
                     Quoted("host_ip", p.instance.substr(0, p.instance.find(':'))), ",",
                     Quoted("instance", "kube-state-metrics:8080"), ",",
                     Quoted("job", "kube-state-metrics"), ",", Quoted("namespace", p.ns), ",",
                     Quoted("node", p.node), ",", Quoted("pod", p.name), ",",
                     Quoted("pod_ip", p.pod_ip), "}"),
        [](int64_t) { return 1.0; }, 1);
  }
  w.Type("kube_pod_status_ready", "gauge");
  for (const Pod& p : pods) {
    w.Series(
        absl::StrCat("kube_pod_status_ready{", Quoted("condition", "true"), ",",
                     Quoted("instance", "kube-state-metrics:8080"), ",",
                     Quoted("job", "kube-state-metrics"), ",", Quoted("namespace", p.ns), ",",
                     Quoted("pod", p.name), "}"),
        [seed = p.seed](int64_t i) { return Unit(Mix(seed, i / 40)) < 0.02 ? 0.0 : 1.0; }, 1);
  }
  w.Type("http_request_duration_seconds", "histogram");
  for (const Pod& p : pods) {
    for (std::string_view handler : HandlersOf(p)) {
      uint64_t seed = Mix(p.seed, handler.size(), 5);
      const std::string common = absl::StrCat(
          Quoted("handler", handler), ",", Quoted("instance", absl::StrCat(p.pod_ip, ":8080")), ",",
          Quoted("job", p.deployment), ",", Quoted("method", "GET"), ",", Quoted("namespace", p.ns),
          ",", Quoted("pod", p.name));
      auto count = Counter(seed, 1 + Unit(seed) * 40);
      for (size_t b = 0; b < kBucketBounds.size(); ++b) {
        const double share = kBucketShare[b];
        w.Series(
            absl::StrCat("http_request_duration_seconds_bucket{", common, ",",
                         Quoted("le", kBucketBounds[b]), "}"),
            [count, share](int64_t i) { return std::floor(count(i) * share); }, 1);
      }
      w.Series(
          absl::StrCat("http_request_duration_seconds_sum{", common, "}"),
          [count](int64_t i) { return count(i) * 0.043; }, 0.001);
      w.Series(
          absl::StrCat("http_request_duration_seconds_count{", common, "}"),
          [count](int64_t i) { return std::floor(count(i)); }, 1);
    }
  }
  w.Type("kube_deployment_spec_replicas", "gauge");
  for (int d = 0; d < size.namespaces * size.deployments_per_namespace; ++d) {
    const int ns = d / size.deployments_per_namespace;
    w.Series(
        absl::StrCat("kube_deployment_spec_replicas{", Quoted("deployment", DeploymentName(d)), ",",
                     Quoted("instance", "kube-state-metrics:8080"), ",",
                     Quoted("job", "kube-state-metrics"), ",",
                     Quoted("namespace", absl::StrCat("ns-", ns / 10, ns % 10)), "}"),
        [n = size.pods_per_deployment](int64_t) { return static_cast<double>(n); }, 1);
  }
  w.Type("node_cpu_seconds_total", "counter");
  for (int n = 0; n < size.nodes; ++n) {
    for (int cpu = 0; cpu < kCpusPerNode; ++cpu) {
      for (std::string_view mode : kCpuModes) {
        uint64_t seed = Mix(n, cpu, std::hash<std::string_view>()(mode));
        w.Series(absl::StrCat("node_cpu_seconds_total{", Quoted("cpu", absl::StrCat(cpu)), ",",
                              Quoted("instance", absl::StrCat(NodeIp(n), ":9100")), ",",
                              Quoted("job", "node-exporter"), ",", Quoted("mode", mode), ",",
                              Quoted("node", NodeName(n)), "}"),
                 Counter(seed, mode == "idle" ? 12 : 1 + Unit(seed) * 3), 0.01);
      }
    }
  }
  for (std::string_view gauge :
       {"node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", "node_load1"}) {
    w.Type(gauge, "gauge");
    for (int n = 0; n < size.nodes; ++n) {
      uint64_t seed = Mix(n, std::hash<std::string_view>()(gauge), 6);
      const bool bytes = gauge != "node_load1";
      w.Series(
          absl::StrCat(base::Absl(gauge), "{", Quoted("instance", absl::StrCat(NodeIp(n), ":9100")),
                       ",", Quoted("job", "node-exporter"), ",", Quoted("node", NodeName(n)), "}"),
          Gauge(seed, bytes ? 3.2e10 : 2, bytes ? 4e9 : 1.5), bytes ? 4096 : 0.01);
    }
  }
  w.Type("up", "gauge");
  for (int n = 0; n < size.nodes; ++n) {
    for (std::string_view job : {"node-exporter", "kubelet"}) {
      w.Series(
          absl::StrCat(
              "up{",
              Quoted("instance", absl::StrCat(NodeIp(n), job == "kubelet" ? ":10250" : ":9100")),
              ",", Quoted("job", job), ",", Quoted("node", NodeName(n)), "}"),
          [](int64_t) { return 1.0; }, 1);
    }
  }
  w.Type("kubelet_running_pods", "gauge");
  for (int n = 0; n < size.nodes; ++n) {
    w.Series(
        absl::StrCat("kubelet_running_pods{", Quoted("instance", absl::StrCat(NodeIp(n), ":10250")),
                     ",", Quoted("job", "kubelet"), ",", Quoted("node", NodeName(n)), "}"),
        Gauge(Mix(n, 8), 30, 10), 1);
  }
  return w.Finish();
}

}  // namespace charon::bench
