#include "cmd/charon/store_flags.h"

#include <functional>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "base/units.h"

namespace charon::cmd {
namespace {

// Kingpin hides flags from --help; CLI11 does the same for options in the empty group.
constexpr const char* kHidden = "";

template <typename T>
using Parse = std::function<absl::StatusOr<T>(const std::string&)>;

// An option whose value goes through `parse` as soon as it is seen, so that of two names for one
// setting the one given last wins, as with kingpin.
template <typename T>
CLI::Option* AddParsed(CLI::App* app, const std::string& names, T* out, Parse<T> parse,
                       const std::string& default_text, const std::string& help) {
  return app
      ->add_option_function<std::string>(
          names,
          [out, parse = std::move(parse), names](const std::string& value) {
            absl::StatusOr<T> parsed = parse(value);
            if (!parsed.ok())
              throw CLI::ValidationError(names, std::string(parsed.status().message()));
            *out = *std::move(parsed);
          },
          help)
      ->default_str(default_text)
      ->trigger_on_parse();
}

CLI::Option* AddDuration(CLI::App* app, const std::string& name, absl::Duration* out,
                         const std::string& default_text, const std::string& help) {
  return AddParsed<absl::Duration>(
      app, name, out, [](const std::string& s) { return base::ParseDuration(s); }, default_text,
      help);
}

CLI::Option* AddBytes(CLI::App* app, const std::string& name, int64_t* out,
                      const std::string& default_text, const std::string& help) {
  return AddParsed<int64_t>(
      app, name, out, [](const std::string& s) { return base::ParseByteSize(s); }, default_text,
      help);
}

CLI::Option* AddTime(CLI::App* app, const std::string& name, TimeOrDuration* out,
                     const std::string& default_text, const std::string& help) {
  return AddParsed<TimeOrDuration>(
      app, name, out, [](const std::string& s) { return TimeOrDuration::Parse(s); }, default_text,
      help);
}

// Kingpin booleans: --name, --no-name, --name=true|false.
CLI::Option* AddBool(CLI::App* app, const std::string& name, bool* out, const std::string& help) {
  return app->add_flag(absl::StrCat("--", name, ",!--no-", name), *out, help);
}

void AddPathOrContent(CLI::App* app, PathOrContent* p, const std::string& help,
                      bool hidden = false) {
  CLI::Option* file = app->add_option(absl::StrCat("--", p->path_flag_name()), p->path,
                                      absl::StrCat("Path to ", help));
  CLI::Option* content =
      app->add_option(absl::StrCat("--", p->flag_name()), p->content,
                      absl::StrCat("Alternative to '", p->path_flag_name(),
                                   "' flag (mutually exclusive). Content of ", help));
  if (hidden) {
    file->group(kHidden);
    content->group(kHidden);
  }
}

absl::Status OneOf(const std::string& flag, const std::string& value,
                   std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (value == a) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, " must be one of ", absl::StrJoin(allowed, ", "), "; got \"", value, "\""));
}

}  // namespace

base::LogOptions StoreFlags::LogOptions() const {
  base::LogOptions options;
  options.level = log_level;
  options.format = log_format;
  options.name = debug_name;
  return options;
}

void RegisterStoreFlags(CLI::App* app, StoreFlags* f) {
  // Global.
  AddParsed<base::LogLevel>(
      app, "--log.level", &f->log_level,
      [](const std::string& s) { return base::ParseLogLevel(s); }, "info",
      "Log filtering level: error, warn, info or debug.");
  AddParsed<base::LogFormat>(
      app, "--log.format", &f->log_format,
      [](const std::string& s) { return base::ParseLogFormat(s); }, "logfmt",
      "Log format: logfmt, json or journald (printed as logfmt).");
  AddPathOrContent(app, &f->tracing_config, "YAML file with tracing configuration.");
  AddBool(app, "enable-auto-gomemlimit", &f->enable_auto_gomemlimit,
          "Accepted for compatibility; Go runtime setting without effect in Charon.");
  app->add_option("--auto-gomemlimit.ratio", f->auto_gomemlimit_ratio,
                  "Accepted for compatibility; Go runtime setting without effect in Charon.")
      ->capture_default_str();
  app->add_option("--debug.name", f->debug_name, "Name added as name=<value> to every log line.")
      ->group(kHidden);

  // HTTP.
  app->add_option("--http-address", f->http_address,
                  "Listen host:port for HTTP endpoints (metrics, probes, blocks API and page).")
      ->capture_default_str();
  AddDuration(app, "--http-grace-period", &f->http_grace_period, "2m",
              "Time to wait after an interrupt received for HTTP Server.");
  app->add_option(
      "--http.config", f->http_config,
      "[EXPERIMENTAL] Path to the configuration file that can enable TLS or authentication for "
      "all HTTP endpoints.");

  // gRPC.
  app->add_option("--grpc-address", f->grpc_address,
                  "Listen ip:port address for gRPC endpoints (StoreAPI).")
      ->capture_default_str();
  app->add_option("--grpc-server-tls-cert", f->grpc_server_tls_cert,
                  "TLS Certificate for gRPC server, leave blank to disable TLS.");
  app->add_option("--grpc-server-tls-key", f->grpc_server_tls_key,
                  "TLS Key for the gRPC server, leave blank to disable TLS.");
  app->add_option(
      "--grpc-server-tls-client-ca", f->grpc_server_tls_client_ca,
      "TLS CA to verify clients against. If no client CA is specified, there is no client "
      "verification on server side (tls.NoClientCert).");
  app->add_option("--grpc-server-tls-min-version", f->grpc_server_tls_min_version,
                  "TLS supported minimum version for gRPC server: 1.0, 1.1, 1.2 or 1.3.")
      ->capture_default_str();
  app->add_option("--grpc-server-tls-ciphers", f->grpc_server_tls_ciphers,
                  "TLS cipher suites for the gRPC server (repeatable).")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app->add_option(
         "--grpc-server-tls-curves", f->grpc_server_tls_curves,
         "TLS curve preferences for the gRPC server (repeatable): CurveP256, CurveP384, CurveP521, "
         "X25519.")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  AddDuration(app, "--grpc-server-max-connection-age", &f->grpc_server_max_connection_age, "60m",
              "The grpc server max connection age.");
  AddDuration(app, "--grpc-grace-period", &f->grpc_grace_period, "2m",
              "Time to wait after an interrupt received for GRPC Server.");

  // Bucket and local state.
  AddPathOrContent(app, &f->objstore_config, "YAML file that contains object store configuration.");
  AddPathOrContent(
      app, &f->objstore_parquet_config,
      "YAML file with the object store configuration of the bucket holding Parquet blocks.");
  app->add_option(
         "--data-dir", f->data_dir,
         "Local data directory used for caching purposes (index-header and meta.jsons). Safe to "
         "delete.")
      ->capture_default_str();
  AddBool(app, "cache-index-header", &f->cache_index_header,
          "Cache TSDB index-headers on disk to reduce startup time.");

  // Caches and pools.
  AddBytes(
      app, "--index-cache-size", &f->index_cache_size_bytes, "250MB",
      "Maximum size of items held in the in-memory index cache. Ignored if --index-cache.config or "
      "--index-cache.config-file is given.");
  AddPathOrContent(app, &f->index_cache_config,
                   "YAML file that contains index cache configuration.");
  AddPathOrContent(app, &f->caching_bucket_config,
                   "YAML that contains configuration for caching bucket.",
                   /*hidden=*/true);
  AddBytes(app, "--chunk-pool-size", &f->chunk_pool_size_bytes, "2GB",
           "Maximum size of concurrently allocatable bytes reserved strictly to reuse for chunks "
           "in memory.");
  app->add_option("--matcher-cache-size", f->matcher_cache_size,
                  "Max number of cached matchers items. Using 0 disables caching.")
      ->capture_default_str();

  // Limits. The v0.23 names write the same settings as the current ones.
  app->add_option("--store.limits.request-series,--store.grpc.touched-series-limit",
                  f->request_series_limit,
                  "The maximum series allowed for a single Series request; 0 means no limit. "
                  "--store.grpc.touched-series-limit is its deprecated name.")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->add_option(
         "--store.limits.request-samples,--store.grpc.series-sample-limit",
         f->request_samples_limit,
         "The maximum samples allowed for a single Series request, counted as chunks of 120 "
         "samples; 0 means no limit. --store.grpc.series-sample-limit is its deprecated name.")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  AddBytes(app, "--store.grpc.downloaded-bytes-limit", &f->downloaded_bytes_limit, "0",
           "Maximum amount of downloaded (either fetched or touched) bytes in a single "
           "Series/LabelNames/LabelValues call; 0 means no limit.");
  app->add_option("--store.grpc.series-max-concurrency", f->series_max_concurrency,
                  "Maximum number of concurrent Series calls.")
      ->capture_default_str();

  // Block discovery and sync.
  AddDuration(app, "--sync-block-duration", &f->sync_block_duration, "3m",
              "Repeat interval for syncing the blocks between local and remote view.");
  app->add_option("--block-discovery-strategy", f->block_discovery_strategy,
                  "One of concurrent, recursive: how to discover blocks in the bucket.")
      ->capture_default_str();
  app->add_option("--block-sync-concurrency", f->block_sync_concurrency,
                  "Number of goroutines to use when constructing index-cache.json blocks from "
                  "object storage. "
                  "Must be equal or greater than 1.")
      ->capture_default_str();
  app->add_option("--block-meta-fetch-concurrency", f->block_meta_fetch_concurrency,
                  "Number of goroutines to use when fetching block metadata from object storage.")
      ->capture_default_str();
  AddTime(app, "--min-time", &f->min_time, "0000-01-01T00:00:00Z",
          "Start of time range limit to serve: RFC3339 time or duration relative to now such as "
          "-1d or 2h45m "
          "(units ms, s, m, h, d, w, y).");
  AddTime(app, "--max-time", &f->max_time, "9999-12-31T23:59:59Z",
          "End of time range limit to serve: RFC3339 time or duration relative to now such as -1d "
          "or 2h45m "
          "(units ms, s, m, h, d, w, y).");
  AddPathOrContent(
      app, &f->selector_relabel_config,
      "YAML file with relabeling configuration that allows selecting blocks. Only keep, drop and "
      "hashmod actions.");
  AddDuration(app, "--consistency-delay", &f->consistency_delay, "0s",
              "Minimum age of all blocks before they are being read.");
  AddDuration(app, "--ignore-deletion-marks-delay", &f->ignore_deletion_marks_delay, "24h",
              "Duration after which the blocks marked for deletion will be filtered out while "
              "fetching blocks.");

  // Series engine tuning.
  app->add_option("--debug.series-batch-size", f->series_batch_size,
                  "The batch size when fetching series from TSDB blocks.")
      ->capture_default_str()
      ->group(kHidden);
  app->add_option("--debug.estimated-max-series-size", f->estimated_max_series_size,
                  "Estimated max series size in bytes.")
      ->capture_default_str()
      ->group(kHidden);
  app->add_option("--debug.estimated-max-chunk-size", f->estimated_max_chunk_size,
                  "Estimated max chunk size in bytes.")
      ->capture_default_str()
      ->group(kHidden);
  app->add_option("--store.index-header-posting-offsets-in-mem-sampling",
                  f->posting_offsets_in_mem_sampling,
                  "Keep 1 of every N postings offsets in memory; 1 keeps all.")
      ->capture_default_str()
      ->group(kHidden);
  AddBool(app, "store.enable-index-header-lazy-reader", &f->enable_index_header_lazy_reader,
          "If true, Store Gateway will lazy memory map index-header only once the block is "
          "required by a query.");
  AddDuration(app, "--store.index-header-lazy-reader-idle-timeout",
              &f->index_header_lazy_reader_idle_timeout, "5m",
              "Idle timeout after which a lazily loaded index-header is released; 0 never.")
      ->group(kHidden);
  app->add_option("--store.index-header-lazy-download-strategy",
                  f->index_header_lazy_download_strategy,
                  "Strategy of how to download index headers lazily: eager or lazy.")
      ->capture_default_str();
  AddBool(app, "store.enable-lazy-expanded-postings", &f->enable_lazy_expanded_postings,
          "If true, Store Gateway will estimate postings size and try to lazily expand postings.");
  app->add_option(
         "--store.posting-group-max-key-series-ratio", f->posting_group_max_key_series_ratio,
         "Mark a posting group lazy if it fetches more keys than R * max series the query should "
         "fetch; 0 disables.")
      ->capture_default_str();

  // Web.
  AddBool(app, "web.disable", &f->web_disable, "Disable Block Viewer UI.");
  app->add_option(
      "--web.external-prefix", f->web_external_prefix,
      "Static prefix for all HTML links and redirect URLs in the bucket web UI interface.");
  app->add_option(
      "--web.prefix-header", f->web_prefix_header,
      "Name of HTTP request header used for dynamic prefixing of UI links and redirects.");
  AddBool(app, "web.disable-cors", &f->web_disable_cors,
          "Whether to disable CORS headers to be set by Charon.");
  app->add_option("--bucket-web-label", f->bucket_web_label,
                  "External block label to use as group title in the bucket web UI.");
  AddBool(app, "disable-admin-operations", &f->disable_admin_operations,
          "Disable UI/API admin operations like marking blocks for deletion and no compaction.");

  app->add_option("--remote-read.concurrent-limit", f->remote_read_concurrent_limit,
                  "Maximum number of concurrent remote read calls on /api/v1/read; the others "
                  "wait. 0 means no limit.")
      ->capture_default_str();
  app->add_option("--remote-read.sample-limit", f->remote_read_sample_limit,
                  "Maximum overall number of samples to return via the remote read interface, in "
                  "a single query. 0 means no limit. This limit is ignored for streamed response "
                  "types.")
      ->capture_default_str();
  app->add_option("--remote-read.max-bytes-in-frame", f->remote_read_max_bytes_in_frame,
                  "Maximum number of bytes of labels and chunks in a single frame of a streamed "
                  "remote read response (a larger single chunk gets a frame of its own).")
      ->capture_default_str();
  app->add_option("--remote-read.replica-label", f->remote_read_replica_labels,
                  "External label removed from the series of remote read answers, as the "
                  "StoreAPI's without_replica_labels. Repeatable.");

  AddPathOrContent(app, &f->request_logging_config,
                   "YAML file with request logging configuration.");
  AddBool(
      app, "debug.advertise-compatibility-label", &f->advertise_compatibility_label,
      "If true, also advertise the label set @thanos_compatibility_store_type=store, for queriers "
      "before 0.8.0.")
      ->group(kHidden);
}

absl::Status ValidateStoreFlags(const StoreFlags& f, absl::Time now) {
  if (f.min_time.ResolveMillis(now) > f.max_time.ResolveMillis(now)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid argument: --min-time '", f.min_time.text(),
                     "' can't be greater than --max-time '", f.max_time.text(), "'"));
  }
  if (f.series_max_concurrency < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max concurrency value cannot be lower than 0 (got ", f.series_max_concurrency, ")"));
  }
  if (f.remote_read_concurrent_limit < 0 || f.remote_read_sample_limit < 0) {
    return absl::InvalidArgumentError(
        "--remote-read.concurrent-limit and --remote-read.sample-limit cannot be negative");
  }
  if (f.remote_read_max_bytes_in_frame < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--remote-read.max-bytes-in-frame must be at least 1 (got ",
                     f.remote_read_max_bytes_in_frame, ")"));
  }
  if (f.block_sync_concurrency < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--block-sync-concurrency must be equal or greater than 1 (got ",
                     f.block_sync_concurrency, ")"));
  }
  if (f.block_discovery_strategy != "concurrent" && f.block_discovery_strategy != "recursive") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown sync strategy ", f.block_discovery_strategy));
  }
  for (const PathOrContent* p :
       {&f.tracing_config, &f.objstore_config, &f.objstore_parquet_config, &f.index_cache_config,
        &f.caching_bucket_config, &f.selector_relabel_config, &f.request_logging_config}) {
    if (absl::Status s = p->Validate(); !s.ok()) return s;
  }
  if (absl::Status s = OneOf("store.index-header-lazy-download-strategy",
                             f.index_header_lazy_download_strategy, {"eager", "lazy"});
      !s.ok()) {
    return s;
  }
  return OneOf("grpc-server-tls-min-version", f.grpc_server_tls_min_version,
               {"1.0", "1.1", "1.2", "1.3"});
}

namespace {

// Every flag Charon accepts without acting on it, and whether `f` sets it. Edit as features land.
std::vector<std::pair<const char*, bool>> UnimplementedFlags(const StoreFlags& f) {
  const StoreFlags d;
  return {
      {"--tracing.config", !f.tracing_config.empty()},
      {"--enable-auto-gomemlimit", f.enable_auto_gomemlimit != d.enable_auto_gomemlimit},
      {"--auto-gomemlimit.ratio", f.auto_gomemlimit_ratio != d.auto_gomemlimit_ratio},
      {"--http.config", f.http_config != d.http_config},
      {"--objstore-parquet.config", !f.objstore_parquet_config.empty()},
      {"--cache-index-header", f.cache_index_header != d.cache_index_header},
      {"--block-discovery-strategy", f.block_discovery_strategy != d.block_discovery_strategy},
      {"--store.enable-index-header-lazy-reader",
       f.enable_index_header_lazy_reader != d.enable_index_header_lazy_reader},
      {"--store.index-header-lazy-reader-idle-timeout",
       f.index_header_lazy_reader_idle_timeout != d.index_header_lazy_reader_idle_timeout},
      {"--store.index-header-lazy-download-strategy",
       f.index_header_lazy_download_strategy != d.index_header_lazy_download_strategy},
      {"--store.enable-lazy-expanded-postings",
       f.enable_lazy_expanded_postings != d.enable_lazy_expanded_postings},
      {"--store.posting-group-max-key-series-ratio",
       f.posting_group_max_key_series_ratio != d.posting_group_max_key_series_ratio},
      {"--request.logging-config", !f.request_logging_config.empty()},
      // The blocks page has no links or redirects for a prefix to apply to.
      {"--web.external-prefix", f.web_external_prefix != d.web_external_prefix},
      {"--web.prefix-header", f.web_prefix_header != d.web_prefix_header},
  };
}

}  // namespace

std::vector<std::string> UnimplementedFlagNames() {
  std::vector<std::string> names;
  for (const auto& [name, set] : UnimplementedFlags(StoreFlags())) names.emplace_back(name);
  return names;
}

std::vector<std::string> UnimplementedFlagsInUse(const StoreFlags& f) {
  std::vector<std::string> in_use;
  for (const auto& [name, set] : UnimplementedFlags(f)) {
    if (set) in_use.emplace_back(name);
  }
  return in_use;
}

}  // namespace charon::cmd
