#include "cmd/charon/store_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cmd/charon/store_runtime.h"
#include "testing/status_matchers.h"

namespace charon::cmd {
namespace {

using ::charon::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// Runs the CLI11 parser over `args` as `charon store <args>` would.
absl::Status Parse(const std::vector<std::string>& args, StoreFlags* flags) {
  CLI::App app{"store"};
  RegisterStoreFlags(&app, flags);
  std::vector<const char*> argv = {"store"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return absl::OkStatus();
}

TEST(StoreFlags, DefaultsAreThanos) {
  StoreFlags f;
  ASSERT_OK(Parse({}, &f));
  EXPECT_EQ(f.log_level, base::LogLevel::kInfo);
  EXPECT_EQ(f.log_format, base::LogFormat::kLogfmt);
  EXPECT_EQ(f.http_address, "0.0.0.0:10902");
  EXPECT_EQ(f.http_grace_period, absl::Minutes(2));
  EXPECT_EQ(f.grpc_address, "0.0.0.0:10901");
  EXPECT_EQ(f.grpc_grace_period, absl::Minutes(2));
  EXPECT_EQ(f.grpc_server_tls_min_version, "1.3");
  EXPECT_EQ(f.grpc_server_max_connection_age, absl::Minutes(60));
  EXPECT_EQ(f.data_dir, "./data");
  EXPECT_TRUE(f.cache_index_header);
  EXPECT_EQ(f.index_cache_size_bytes, 250 * kMiB);
  EXPECT_EQ(f.chunk_pool_size_bytes, 2 * kGiB);
  EXPECT_EQ(f.request_series_limit, 0u);
  EXPECT_EQ(f.request_samples_limit, 0u);
  EXPECT_EQ(f.downloaded_bytes_limit, 0);
  EXPECT_EQ(f.series_max_concurrency, 20);
  EXPECT_EQ(f.sync_block_duration, absl::Minutes(3));
  EXPECT_EQ(f.block_discovery_strategy, "concurrent");
  EXPECT_EQ(f.block_sync_concurrency, 20);
  EXPECT_EQ(f.block_meta_fetch_concurrency, 32);
  EXPECT_EQ(f.series_batch_size, 10000);
  EXPECT_EQ(f.estimated_max_series_size, 65536u);
  EXPECT_EQ(f.estimated_max_chunk_size, 16000u);
  EXPECT_EQ(f.min_time.ResolveMillis(kNow), -62167219200000);
  EXPECT_EQ(f.max_time.ResolveMillis(kNow), 253402300799000);
  EXPECT_EQ(f.posting_offsets_in_mem_sampling, 32);
  EXPECT_EQ(f.consistency_delay, absl::ZeroDuration());
  EXPECT_EQ(f.ignore_deletion_marks_delay, absl::Hours(24));
  EXPECT_FALSE(f.enable_index_header_lazy_reader);
  EXPECT_EQ(f.index_header_lazy_reader_idle_timeout, absl::Minutes(5));
  EXPECT_EQ(f.index_header_lazy_download_strategy, "eager");
  EXPECT_FALSE(f.enable_lazy_expanded_postings);
  EXPECT_EQ(f.posting_group_max_key_series_ratio, 100);
  EXPECT_FALSE(f.web_disable);
  EXPECT_FALSE(f.web_disable_cors);
  EXPECT_EQ(f.bucket_web_label, "");
  EXPECT_EQ(f.matcher_cache_size, 0);
  EXPECT_FALSE(f.disable_admin_operations);
  EXPECT_TRUE(f.advertise_compatibility_label);
  EXPECT_TRUE(f.objstore_config.empty());
  EXPECT_THAT(UnimplementedFlagsInUse(f), IsEmpty());
}

TEST(StoreFlags, ParsesValues) {
  struct Case {
    std::vector<std::string> args;
    std::function<void(const StoreFlags&)> check;
  };
  const std::vector<Case> cases = {
      {{"--store.grpc.touched-series-limit=5"},
       [](const StoreFlags& f) { EXPECT_EQ(f.request_series_limit, 5u); }},
      {{"--store.limits.request-series=7", "--store.grpc.touched-series-limit=9"},
       [](const StoreFlags& f) { EXPECT_EQ(f.request_series_limit, 9u); }},
      {{"--store.grpc.touched-series-limit=9", "--store.limits.request-series=7"},
       [](const StoreFlags& f) { EXPECT_EQ(f.request_series_limit, 7u); }},
      {{"--store.grpc.series-sample-limit=1200"},
       [](const StoreFlags& f) { EXPECT_EQ(f.request_samples_limit, 1200u); }},
      {{"--store.limits.request-samples", "240"},
       [](const StoreFlags& f) { EXPECT_EQ(f.request_samples_limit, 240u); }},
      {{"--store.grpc.downloaded-bytes-limit=10GB"},
       [](const StoreFlags& f) { EXPECT_EQ(f.downloaded_bytes_limit, 10 * kGiB); }},
      {{"--no-cache-index-header"},
       [](const StoreFlags& f) { EXPECT_FALSE(f.cache_index_header); }},
      {{"--cache-index-header=false"},
       [](const StoreFlags& f) { EXPECT_FALSE(f.cache_index_header); }},
      {{"--web.disable", "--web.disable-cors"},
       [](const StoreFlags& f) {
         EXPECT_TRUE(f.web_disable);
         EXPECT_TRUE(f.web_disable_cors);
       }},
      {{"--no-debug.advertise-compatibility-label"},
       [](const StoreFlags& f) { EXPECT_FALSE(f.advertise_compatibility_label); }},
      {{"--store.enable-index-header-lazy-reader"},
       [](const StoreFlags& f) { EXPECT_TRUE(f.enable_index_header_lazy_reader); }},
      {{"--index-cache-size=1GB", "--chunk-pool-size=512MiB"},
       [](const StoreFlags& f) {
         EXPECT_EQ(f.index_cache_size_bytes, kGiB);
         EXPECT_EQ(f.chunk_pool_size_bytes, 512 * kMiB);
       }},
      {{"--sync-block-duration=15m", "--consistency-delay=30m", "--ignore-deletion-marks-delay=1d"},
       [](const StoreFlags& f) {
         EXPECT_EQ(f.sync_block_duration, absl::Minutes(15));
         EXPECT_EQ(f.consistency_delay, absl::Minutes(30));
         EXPECT_EQ(f.ignore_deletion_marks_delay, absl::Hours(24));
       }},
      {{"--http-grace-period=0s", "--grpc-grace-period=5s"},
       [](const StoreFlags& f) {
         EXPECT_EQ(f.http_grace_period, absl::ZeroDuration());
         EXPECT_EQ(f.grpc_grace_period, absl::Seconds(5));
       }},
      {{"--min-time=-1w", "--max-time=2026-01-01T00:00:00Z"},
       [](const StoreFlags& f) {
         EXPECT_TRUE(f.min_time.is_relative());
         EXPECT_EQ(f.min_time.Resolve(kNow), kNow - absl::Hours(24 * 7));
         EXPECT_EQ(f.max_time.Resolve(kNow + absl::Hours(1)), kNow);
       }},
      {{"--objstore.config-file=/etc/bucket.yaml"},
       [](const StoreFlags& f) { EXPECT_EQ(f.objstore_config.path, "/etc/bucket.yaml"); }},
      {{"--objstore.config", "type: FILESYSTEM"},
       [](const StoreFlags& f) { EXPECT_EQ(f.objstore_config.content, "type: FILESYSTEM"); }},
      {{"--selector.relabel-config=- action: keep", "--index-cache.config-file=c.yaml",
        "--store.caching-bucket.config=x", "--tracing.config-file=t.yaml",
        "--request.logging-config=r"},
       [](const StoreFlags& f) {
         EXPECT_EQ(f.selector_relabel_config.content, "- action: keep");
         EXPECT_EQ(f.index_cache_config.path, "c.yaml");
         EXPECT_EQ(f.caching_bucket_config.content, "x");
         EXPECT_EQ(f.tracing_config.path, "t.yaml");
         EXPECT_EQ(f.request_logging_config.content, "r");
       }},
      {{"--grpc-server-tls-ciphers=A", "--grpc-server-tls-ciphers", "B",
        "--grpc-server-tls-curves=X25519"},
       [](const StoreFlags& f) {
         EXPECT_THAT(f.grpc_server_tls_ciphers, ElementsAre("A", "B"));
         EXPECT_THAT(f.grpc_server_tls_curves, ElementsAre("X25519"));
       }},
      {{"--log.level=debug", "--log.format=json", "--debug.name=store-1"},
       [](const StoreFlags& f) {
         base::LogOptions o = f.LogOptions();
         EXPECT_EQ(o.level, base::LogLevel::kDebug);
         EXPECT_EQ(o.format, base::LogFormat::kJson);
         EXPECT_EQ(o.name, "store-1");
       }},
      {{"--log.format=journald"},
       [](const StoreFlags& f) { EXPECT_EQ(f.log_format, base::LogFormat::kJournald); }},
      {{"--data-dir", "/var/charon", "--bucket-web-label=cluster", "--http-address=127.0.0.1:19902",
        "--grpc-address=:19901"},
       [](const StoreFlags& f) {
         EXPECT_EQ(f.data_dir, "/var/charon");
         EXPECT_EQ(f.bucket_web_label, "cluster");
         EXPECT_EQ(f.http_address, "127.0.0.1:19902");
         EXPECT_EQ(f.grpc_address, ":19901");
       }},
      {{"--store.grpc.series-max-concurrency=0", "--block-sync-concurrency=4",
        "--block-meta-fetch-concurrency=8",
        "--store.index-header-posting-offsets-in-mem-sampling=1", "--debug.series-batch-size=500"},
       [](const StoreFlags& f) {
         EXPECT_EQ(f.series_max_concurrency, 0);
         EXPECT_EQ(f.block_sync_concurrency, 4);
         EXPECT_EQ(f.block_meta_fetch_concurrency, 8);
         EXPECT_EQ(f.posting_offsets_in_mem_sampling, 1);
         EXPECT_EQ(f.series_batch_size, 500);
       }},
      {{"--enable-auto-gomemlimit", "--auto-gomemlimit.ratio=0.5"},
       [](const StoreFlags& f) {
         EXPECT_TRUE(f.enable_auto_gomemlimit);
         EXPECT_EQ(f.auto_gomemlimit_ratio, 0.5);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    StoreFlags f;
    ASSERT_OK(Parse(c.args, &f));
    c.check(f);
  }
}

TEST(StoreFlags, RejectsMalformedValues) {
  const std::vector<std::vector<std::string>> cases = {
      {"--log.level=trace"},       {"--log.format=text"},
      {"--index-cache-size=lots"}, {"--chunk-pool-size=2"},
      {"--sync-block-duration=3"}, {"--consistency-delay=-1h"},
      {"--min-time=yesterday"},    {"--block-sync-concurrency=abc"},
      {"--no-such-flag"},          {"--data-dir=a", "--data-dir=b"},
      {"extra-positional"},
  };
  for (const auto& args : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    StoreFlags f;
    EXPECT_THAT(Parse(args, &f), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(ValidateStoreFlags, ThanosStartupChecks) {
  struct Case {
    std::vector<std::string> args;
    std::string error;  // empty: valid
  };
  const std::vector<Case> cases = {
      {{}, ""},
      {{"--min-time=-2h", "--max-time=-1h"}, ""},
      {{"--min-time=2026-01-02T00:00:00Z", "--max-time=2026-01-01T00:00:00Z"},
       "can't be greater than --max-time"},
      {{"--min-time=1h", "--max-time=-1h"}, "can't be greater than --max-time"},
      {{"--store.grpc.series-max-concurrency=-1"}, "max concurrency value cannot be lower than 0"},
      {{"--block-sync-concurrency=0"}, "block-sync-concurrency must be equal or greater than 1"},
      {{"--block-discovery-strategy=recursive"}, ""},
      {{"--block-discovery-strategy=lazy"}, "unknown sync strategy lazy"},
      {{"--store.index-header-lazy-download-strategy=later"},
       "lazy-download-strategy must be one of"},
      {{"--grpc-server-tls-min-version=1.4"}, "grpc-server-tls-min-version must be one of"},
      {{"--objstore.config-file=b.yaml"}, "both --objstore.config-file and --objstore.config"},
      {{"--index-cache.config=a", "--index-cache.config-file=b"}, "both --index-cache.config-file"},
      {{"--remote-read.concurrent-limit=-1"}, "cannot be negative"},
      {{"--remote-read.sample-limit=-1"}, "cannot be negative"},
      {{"--remote-read.max-bytes-in-frame=0"}, "max-bytes-in-frame must be at least 1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    StoreFlags f;
    std::vector<std::string> args = c.args;
    args.push_back("--objstore.config=type: FILESYSTEM");
    ASSERT_OK(Parse(args, &f));
    absl::Status s = ValidateStoreFlags(f, kNow);
    if (c.error.empty()) {
      EXPECT_OK(s);
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, c.error));
    }
  }
}

TEST(StoreFlags, RemoteReadDefaultsArePrometheus) {
  StoreFlags f;
  ASSERT_OK(Parse({}, &f));
  EXPECT_EQ(f.remote_read_concurrent_limit, 10);
  EXPECT_EQ(f.remote_read_sample_limit, 50'000'000);
  EXPECT_EQ(f.remote_read_max_bytes_in_frame, 1048576);
  EXPECT_TRUE(f.remote_read_replica_labels.empty());
  ASSERT_OK(Parse({"--remote-read.concurrent-limit=2", "--remote-read.sample-limit=0",
                   "--remote-read.max-bytes-in-frame=4096", "--remote-read.replica-label=replica",
                   "--remote-read.replica-label=rule_replica"},
                  &f));
  EXPECT_EQ(f.remote_read_concurrent_limit, 2);
  EXPECT_EQ(f.remote_read_sample_limit, 0);
  EXPECT_EQ(f.remote_read_max_bytes_in_frame, 4096);
  EXPECT_EQ(f.remote_read_replica_labels, (std::vector<std::string>{"replica", "rule_replica"}));
}

TEST(ValidateStoreFlags, ObjstoreConfigIsRequired) {
  StoreFlags f;
  ASSERT_OK(Parse({}, &f));
  EXPECT_THAT(ValidateStoreFlags(f, kNow),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "--objstore.config or --objstore.config-file is required"));
}

TEST(UnimplementedFlagsInUse, ListsOnlyNonDefaultUnimplementedFlags) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {{"--chunk-pool-size=2GB", "--index-cache-size=250MB", "--sync-block-duration=1m"}, {}},
      {{"--index-cache-size=1GB", "--index-cache.config=type: IN-MEMORY"}, {}},
      {{"--matcher-cache-size=100"}, {}},
      {{"--chunk-pool-size=1GB", "--store.grpc.downloaded-bytes-limit=1MB"}, {}},
      {{"--no-cache-index-header", "--store.caching-bucket.config=x",
        "--store.enable-lazy-expanded-postings"},
       {"--cache-index-header", "--store.enable-lazy-expanded-postings"}},
      {{"--store.limits.request-series=10", "--web.disable", "--min-time=-1d",
        "--grpc-server-tls-cert=c"},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.args));
    StoreFlags f;
    ASSERT_OK(Parse(c.args, &f));
    EXPECT_EQ(UnimplementedFlagsInUse(f), c.want);
  }
}

TEST(StoreRuntimeStart, RefusesABadCachingBucketConfigNamingTheFlag) {
  struct Case {
    std::string yaml;
    absl::StatusCode code;
    std::string substr;
  };
  const Case cases[] = {
      {"type: REDIS\nconfig: {addr: 'a:1,b:2'}", absl::StatusCode::kUnimplemented, "cluster"},
      {"type: REDIS\nconfig: {addr: x}", absl::StatusCode::kInvalidArgument, "host:port"},
      {"type: IN-MEMORY\nbogus: 1", absl::StatusCode::kInvalidArgument, "bogus"},
      {"type: MEMCACHED\nconfig: {addresses: []}", absl::StatusCode::kInvalidArgument,
       "no memcached addresses"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    StoreFlags f;
    f.objstore_config.content = "type: FILESYSTEM\nconfig:\n  directory: " + ::testing::TempDir();
    f.caching_bucket_config.content = c.yaml;
    prometheus::Registry registry;
    auto runtime = StoreRuntime::Start(f, registry);
    EXPECT_THAT(runtime, StatusIs(c.code, c.substr));
    EXPECT_THAT(runtime, StatusIs(c.code, "--store.caching-bucket.config"));
  }
}

}  // namespace
}  // namespace charon::cmd

namespace charon::cmd {
namespace {

// Flags whose value reaches the code that acts on it (the store, the gRPC and HTTP servers, the
// logger). "disable-admin-operations" holds trivially: Charon serves no admin operation.
const std::set<std::string> kActingFlags = {"log.level",
                                            "log.format",
                                            "debug.name",
                                            "http-address",
                                            "http-grace-period",
                                            "grpc-address",
                                            "grpc-server-tls-cert",
                                            "grpc-server-tls-key",
                                            "grpc-server-tls-client-ca",
                                            "grpc-server-tls-min-version",
                                            "grpc-server-tls-ciphers",
                                            "grpc-server-tls-curves",
                                            "grpc-server-max-connection-age",
                                            "grpc-grace-period",
                                            "objstore.config",
                                            "objstore.config-file",
                                            "data-dir",
                                            "store.caching-bucket.config",
                                            "store.caching-bucket.config-file",
                                            "store.limits.request-series",
                                            "store.grpc.touched-series-limit",
                                            "store.limits.request-samples",
                                            "store.grpc.series-sample-limit",
                                            "store.grpc.series-max-concurrency",
                                            "store.grpc.downloaded-bytes-limit",
                                            "chunk-pool-size",
                                            "index-cache-size",
                                            "index-cache.config",
                                            "matcher-cache-size",
                                            "sync-block-duration",
                                            "block-sync-concurrency",
                                            "block-meta-fetch-concurrency",
                                            "min-time",
                                            "max-time",
                                            "selector.relabel-config",
                                            "selector.relabel-config-file",
                                            "consistency-delay",
                                            "ignore-deletion-marks-delay",
                                            "debug.series-batch-size",
                                            "debug.estimated-max-series-size",
                                            "debug.estimated-max-chunk-size",
                                            "store.index-header-posting-offsets-in-mem-sampling",
                                            "web.disable",
                                            "web.disable-cors",
                                            "bucket-web-label",
                                            "disable-admin-operations",
                                            "debug.advertise-compatibility-label",
                                            "remote-read.concurrent-limit",
                                            "remote-read.sample-limit",
                                            "remote-read.max-bytes-in-frame",
                                            "remote-read.replica-label"};

// Every flag `charon store` accepts either acts or is named at start as not implemented (and
// a new flag must be put in one of the two lists).
TEST(StoreFlags, EveryFlagActsOrIsLoggedAsNotImplemented) {
  StoreFlags f;
  CLI::App app{"store"};
  RegisterStoreFlags(&app, &f);
  std::set<std::string> unimplemented;
  for (const std::string& name : UnimplementedFlagNames()) unimplemented.insert(name.substr(2));
  std::vector<std::string> unclassified;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& name : opt->get_lnames()) {
      if (name == "help") continue;
      std::string base = name;
      if (base.rfind("no-", 0) == 0 && !opt->get_lnames().empty() &&
          opt->get_lnames().front() != name) {
        continue;  // the --no-X form of a bool
      }
      // A path-or-content pair is one setting: --X-file is listed under --X when only X is.
      if (kActingFlags.contains(base) || unimplemented.contains(base)) continue;
      if (base.size() > 5 && base.ends_with("-file") &&
          (kActingFlags.contains(base.substr(0, base.size() - 5)) ||
           unimplemented.contains(base.substr(0, base.size() - 5)))) {
        continue;
      }
      unclassified.push_back(name);
    }
  }
  EXPECT_THAT(unclassified, IsEmpty());
  for (const std::string& name : unimplemented) {
    EXPECT_FALSE(kActingFlags.contains(name)) << name << " is in both lists";
  }
}

TEST(UnimplementedFlagsInUse, NamesThePrefixFlags) {
  StoreFlags f;
  ASSERT_OK(Parse({"--web.external-prefix=/thanos", "--web.prefix-header=X-Forwarded-Prefix",
                   "--disable-admin-operations"},
                  &f));
  EXPECT_THAT(UnimplementedFlagsInUse(f),
              ElementsAre("--web.external-prefix", "--web.prefix-header"));
}

}  // namespace
}  // namespace charon::cmd
