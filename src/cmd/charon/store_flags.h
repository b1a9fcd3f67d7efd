// Every flag of `thanos store`, with Thanos' names and defaults, both the v0.23 era and the current
// one; deprecated names write the same setting as their successors (the last one given wins).
//
// Booleans take kingpin's forms: --flag, --no-flag, --flag=true|false. Byte sizes are base-2
// ("250MB" is 250 MiB). Durations take Go's and Prometheus' syntaxes ("3m", "1h30m", "24h", "1d").
// Path-or-content pairs (--X-file / --X) are mutually exclusive; their content gets $(ENV)
// substitution when read.
//
// Flags that Charon accepts but does not act on yet are listed by UnimplementedFlagsInUse so that
// the store can say so once at start.
#ifndef CHARON_CMD_CHARON_STORE_FLAGS_H_
#define CHARON_CMD_CHARON_STORE_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "base/logging.h"
#include "cmd/charon/path_or_content.h"
#include "cmd/charon/time_or_duration.h"

namespace CLI {
class App;
}

namespace charon::cmd {

inline constexpr int64_t kMiB = int64_t{1} << 20;
inline constexpr int64_t kGiB = int64_t{1} << 30;

struct StoreFlags {
  // Global.
  base::LogLevel log_level = base::LogLevel::kInfo;       // --log.level
  base::LogFormat log_format = base::LogFormat::kLogfmt;  // --log.format
  PathOrContent tracing_config{"tracing.config"};         // --tracing.config[-file]
  bool enable_auto_gomemlimit = false;                    // --[no-]enable-auto-gomemlimit (Go only)
  double auto_gomemlimit_ratio = 0.9;                     // --auto-gomemlimit.ratio (Go only)
  std::string debug_name;                                 // --debug.name (hidden)

  // HTTP server.
  std::string http_address = "0.0.0.0:10902";           // --http-address
  absl::Duration http_grace_period = absl::Minutes(2);  // --http-grace-period
  std::string http_config;                              // --http.config

  // gRPC server.
  std::string grpc_address = "0.0.0.0:10901";        // --grpc-address
  std::string grpc_server_tls_cert;                  // --grpc-server-tls-cert
  std::string grpc_server_tls_key;                   // --grpc-server-tls-key
  std::string grpc_server_tls_client_ca;             // --grpc-server-tls-client-ca
  std::string grpc_server_tls_min_version = "1.3";   // --grpc-server-tls-min-version
  std::vector<std::string> grpc_server_tls_ciphers;  // --grpc-server-tls-ciphers (repeated)
  std::vector<std::string> grpc_server_tls_curves;   // --grpc-server-tls-curves (repeated)
  absl::Duration grpc_server_max_connection_age =
      absl::Minutes(60);                                // --grpc-server-max-connection-age
  absl::Duration grpc_grace_period = absl::Minutes(2);  // --grpc-grace-period

  // Bucket and local state.
  PathOrContent objstore_config{"objstore.config", /*required=*/true};  // --objstore.config[-file]
  PathOrContent objstore_parquet_config{
      "objstore-parquet.config"};   // --objstore-parquet.config[-file]
  std::string data_dir = "./data";  // --data-dir
  bool cache_index_header = true;   // --[no-]cache-index-header

  // Caches and pools.
  int64_t index_cache_size_bytes = 250 * kMiB;             // --index-cache-size
  PathOrContent index_cache_config{"index-cache.config"};  // --index-cache.config[-file]
  PathOrContent caching_bucket_config{"store.caching-bucket.config"};  // hidden
  int64_t chunk_pool_size_bytes = 2 * kGiB;                            // --chunk-pool-size
  int matcher_cache_size = 0;                                          // --matcher-cache-size

  // Per-request limits; 0 means no limit.
  uint64_t request_series_limit =
      0;  // --store.limits.request-series, --store.grpc.touched-series-limit
  uint64_t request_samples_limit =
      0;  // --store.limits.request-samples, --store.grpc.series-sample-limit
  int64_t downloaded_bytes_limit = 0;  // --store.grpc.downloaded-bytes-limit
  int series_max_concurrency = 20;     // --store.grpc.series-max-concurrency; 0 = unlimited

  // Block discovery and sync.
  absl::Duration sync_block_duration =
      absl::Minutes(3);  // --sync-block-duration (Charon: v0.23's 3m)
  std::string block_discovery_strategy = "concurrent";  // --block-discovery-strategy
  int block_sync_concurrency = 20;                      // --block-sync-concurrency
  int block_meta_fetch_concurrency = 32;                // --block-meta-fetch-concurrency
  TimeOrDuration min_time = TimeOrDuration::At(         // --min-time
      absl::FromCivil(absl::CivilSecond(0, 1, 1, 0, 0, 0), absl::UTCTimeZone()));
  TimeOrDuration max_time = TimeOrDuration::At(  // --max-time
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone()));
  PathOrContent selector_relabel_config{
      "selector.relabel-config"};                                // --selector.relabel-config[-file]
  absl::Duration consistency_delay = absl::ZeroDuration();       // --consistency-delay
  absl::Duration ignore_deletion_marks_delay = absl::Hours(24);  // --ignore-deletion-marks-delay

  // Series engine tuning (mostly hidden).
  int series_batch_size = 10000;                   // --debug.series-batch-size
  uint64_t estimated_max_series_size = 64 * 1024;  // --debug.estimated-max-series-size
  uint64_t estimated_max_chunk_size = 16000;       // --debug.estimated-max-chunk-size
  int posting_offsets_in_mem_sampling = 32;  // --store.index-header-posting-offsets-in-mem-sampling
  bool enable_index_header_lazy_reader = false;  // --[no-]store.enable-index-header-lazy-reader
  absl::Duration index_header_lazy_reader_idle_timeout = absl::Minutes(5);
  // --store.index-header-lazy-reader-idle-timeout
  std::string index_header_lazy_download_strategy =
      "eager";                                      // --store.index-header-lazy-download-strategy
  bool enable_lazy_expanded_postings = false;       // --[no-]store.enable-lazy-expanded-postings
  double posting_group_max_key_series_ratio = 100;  // --store.posting-group-max-key-series-ratio

  // Web.
  bool web_disable = false;               // --[no-]web.disable
  std::string web_external_prefix;        // --web.external-prefix
  std::string web_prefix_header;          // --web.prefix-header
  bool web_disable_cors = false;          // --[no-]web.disable-cors
  std::string bucket_web_label;           // --bucket-web-label
  bool disable_admin_operations = false;  // --[no-]disable-admin-operations

  // Prometheus remote read on the HTTP port; Prometheus' --storage.remote.read-* under our names.
  int remote_read_concurrent_limit = 10;                // --remote-read.concurrent-limit
  int64_t remote_read_sample_limit = 50'000'000;        // --remote-read.sample-limit
  int64_t remote_read_max_bytes_in_frame = 1 << 20;     // --remote-read.max-bytes-in-frame
  std::vector<std::string> remote_read_replica_labels;  // --remote-read.replica-label

  PathOrContent request_logging_config{
      "request.logging-config"};              // --request.logging-config[-file]
  bool advertise_compatibility_label = true;  // --[no-]debug.advertise-compatibility-label (v0.23)

  // The logging options the flags ask for.
  base::LogOptions LogOptions() const;
};

// Registers every flag on `app` (the `store` subcommand), writing into `flags`, which must outlive
// the parse. Parsing throws CLI11's exceptions for malformed values; the caller catches them.
void RegisterStoreFlags(CLI::App* app, StoreFlags* flags);

// Thanos' start-up checks: --min-time after --max-time, negative series-max-concurrency,
// block-sync-concurrency < 1, unknown block-discovery-strategy or lazy download strategy, both or
// neither of a required path-or-content pair. InvalidArgument naming the flag. `now` resolves
// relative times.
[[nodiscard]] absl::Status ValidateStoreFlags(const StoreFlags& flags, absl::Time now);

// Names ("--chunk-pool-size") of flags Charon does not implement yet whose value differs from the
// default, in registration order.
std::vector<std::string> UnimplementedFlagsInUse(const StoreFlags& flags);
// Every flag UnimplementedFlagsInUse may name, in registration order.
std::vector<std::string> UnimplementedFlagNames();

}  // namespace charon::cmd

#endif  // CHARON_CMD_CHARON_STORE_FLAGS_H_
