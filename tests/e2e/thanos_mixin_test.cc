// The Thanos mixin's store dashboard and thanos-store alerts, pointed at Charon.
//
// A real Prometheus (Debian's 2.42) scrapes a `charon store` child process every second while a
// small workload runs against it: Series, label calls, a call that fails with InvalidArgument, and
// a block uploaded mid-run that the next re-sync loads. Then every expression of the dashboard's
// panels and of the alert group (transcribed in testdata/thanos_mixin_store.json, with the mixin
// version they come from) must evaluate, and return at least one series unless the data file says
// why it cannot. Last, the bucket goes away (the S3 server is killed) and the
// ThanosStoreBucketHighOperationFailures expression must turn non-empty.
//
// CHARON_BINARY names the charon executable and CHARON_MIXIN_DATA the data file (both set by
// CMake); the test fails without them. CHARON_KEEP_TEMP=1 keeps the logs.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "e2e/charon_store_server.h"
#include "e2e/http_get.h"
#include "e2e/prometheus_api.h"
#include "e2e/prometheus_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/block_fixtures.h"
#include "testing/s3_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::e2e {
namespace {

using ::charon::testing::TempDir;
using nlohmann::json;

constexpr char kBucket[] = "blocks";

absl::StatusOr<std::map<std::string, std::string>> ReadBlock(const std::string& dir,
                                                             const std::string& prefix) {
  std::map<std::string, std::string> objects;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream data;
    data << in.rdbuf();
    objects[prefix + "/" + std::filesystem::relative(e.path(), dir).generic_string()] = data.str();
  }
  if (objects.empty()) return absl::NotFoundError("no files under " + dir);
  return objects;
}

thanos::LabelMatcher Matcher(thanos::LabelMatcher::Type type, std::string name, std::string value) {
  thanos::LabelMatcher m;
  m.set_type(type);
  m.set_name(std::move(name));
  m.set_value(std::move(value));
  return m;
}

// One round of what a querier asks; the bad regex is the failing call.
void Workload(server::grpc::StoreClient& client) {
  const int64_t mint = testing::kFixtureStartMs, maxt = mint + 3 * testing::kTwoHoursMs;
  thanos::SeriesRequest all;
  all.set_min_time(mint);
  all.set_max_time(maxt);
  *all.add_matchers() = Matcher(thanos::LabelMatcher::RE, "__name__", ".+");
  EXPECT_OK(client.Series(all).status());
  thanos::SeriesRequest one = all;
  *one.add_matchers() = Matcher(thanos::LabelMatcher::EQ, "span", "middle");
  EXPECT_OK(client.Series(one).status());
  thanos::SeriesRequest bad = all;
  *bad.add_matchers() = Matcher(thanos::LabelMatcher::RE, "span", "(unclosed");
  EXPECT_FALSE(client.Series(bad).ok());
  thanos::LabelNamesRequest names;
  names.set_start(mint);
  names.set_end(maxt);
  EXPECT_OK(client.LabelNames(names).status());
  thanos::LabelValuesRequest values;
  values.set_label("span");
  values.set_start(mint);
  values.set_end(maxt);
  EXPECT_OK(client.LabelValues(values).status());
}

std::string Instantiate(const json& doc, std::string expr) {
  for (const auto& [name, value] : doc["variables"].items()) {
    expr = absl::StrReplaceAll(expr, {{name, value.get<std::string>()}});
  }
  return expr;
}

TEST(ThanosMixin, StoreDashboardAndAlertsWorkOnCharon) {
  const char* binary = std::getenv("CHARON_BINARY");
  const char* data_file = std::getenv("CHARON_MIXIN_DATA");
  ASSERT_NE(binary, nullptr) << "CHARON_BINARY must name the charon executable";
  ASSERT_NE(data_file, nullptr) << "CHARON_MIXIN_DATA must name the mixin expressions file";
  std::ifstream in(data_file);
  ASSERT_TRUE(in.good()) << data_file;
  const json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(doc.is_discarded()) << data_file << " is not JSON";

  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("mixin"));
  testing::BlockBuilder blocks = testing::AdjacentBlocks();
  blocks.SetThanosMeta({{{"cluster", "mixin"}}});
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> block_dirs,
                       blocks.WriteBlocks(work.Path("bucket")));
  ASSERT_EQ(block_dirs.size(), 3u);

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<testing::S3Server> s3, testing::S3Server::Start());
  ASSERT_OK(s3->CreateBucket(kBucket));
  std::map<std::string, std::string> late;  // uploaded mid-run, for the re-sync to load
  for (size_t i = 0; i < block_dirs.size(); ++i) {
    const std::string id = std::filesystem::path(block_dirs[i]).filename().string();
    ASSERT_OK_AND_ASSIGN(auto objects, ReadBlock(block_dirs[i], id));
    if (i + 1 == block_dirs.size()) {
      late = std::move(objects);
    } else {
      ASSERT_OK(s3->PutObjects(kBucket, objects));
    }
  }

  CharonStoreServerOptions store_options;
  store_options.binary = binary;
  store_options.work_dir = work.path();
  store_options.objstore_config = absl::StrCat(
      "type: S3\nconfig:\n  bucket: ", kBucket, "\n  endpoint: ", s3->endpoint(),
      "\n  insecure: true\n  bucket_lookup_type: path\n  access_key: ",
      testing::S3Server::kAccessKey, "\n  secret_key: ", testing::S3Server::kSecretKey, "\n");
  store_options.extra_flags = {"--sync-block-duration=2s"};
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<CharonStoreServer> store,
                       CharonStoreServer::Start(store_options));

  PrometheusServerOptions prom_options;
  prom_options.work_dir = work.path();
  prom_options.data_dir = work.Path("prometheus-data");
  prom_options.config_yaml = absl::StrCat(
      "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      "scrape_configs:\n  - job_name: thanos-store\n    static_configs:\n"
      "      - targets: ['127.0.0.1:",
      store->http_port(), "']\n");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<PrometheusServer> prometheus,
                       PrometheusServer::Start(prom_options));
  PrometheusApi api(prometheus->url());

  // 20 s of traffic; the last block appears after 5 s.
  const absl::Time start = absl::Now();
  bool uploaded = false;
  while (absl::Now() - start < absl::Seconds(20)) {
    Workload(store->client());
    if (!uploaded && absl::Now() - start > absl::Seconds(5)) {
      ASSERT_OK(s3->PutObjects(kBucket, late));
      uploaded = true;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  // The late block was loaded by a re-sync, and Prometheus saw it.
  absl::StatusOr<size_t> loaded;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    loaded = api.InstantQuerySize("thanos_bucket_store_blocks_loaded{job=\"thanos-store\"} == 3");
    if (loaded.ok() && *loaded == 1) break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_OK(loaded.status());
  ASSERT_EQ(*loaded, 1u) << "the block uploaded mid-run was not loaded; see "
                         << store->process().log_path();

  SCOPED_TRACE(absl::StrCat("mixin source: ", doc["source"].dump()));
  int checked = 0, exempt = 0;
  for (const char* section : {"dashboard", "charon"}) {
    for (const json& row : doc[section]) {
      const std::string expr = Instantiate(doc, row["expr"].get<std::string>());
      SCOPED_TRACE(absl::StrCat(section, ": ", row["panel"].get<std::string>(), ": ", expr));
      absl::StatusOr<size_t> n = api.InstantQuerySize(expr);
      ASSERT_OK(n.status());
      const bool may_be_empty =
          row.contains("known_gap") || row.contains("mixin_bug") || row.contains("not_applicable");
      if (may_be_empty) {
        ++exempt;
      } else {
        EXPECT_GT(*n, 0u) << "no series";
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 50);
  std::cout << "mixin expressions with data: " << checked << ", exempt (see data file): " << exempt
            << "\n";

  std::string bucket_failures;
  for (const json& row : doc["alerts"]) {
    const std::string expr = row["expr"].get<std::string>();
    SCOPED_TRACE(absl::StrCat(row["alert"].get<std::string>(), ": ", expr));
    absl::StatusOr<size_t> n = api.InstantQuerySize(expr);
    ASSERT_OK(n.status());
    if (row["alert"] == "ThanosStoreBucketHighOperationFailures") {
      bucket_failures = expr;
      EXPECT_EQ(*n, 0u) << "fires before any fault";
    }
  }
  ASSERT_FALSE(bucket_failures.empty());

  // The bucket goes away: every read and every listing now fails with Unavailable.
  s3.reset();
  absl::StatusOr<size_t> firing;
  for (absl::Time deadline = absl::Now() + absl::Seconds(90); absl::Now() < deadline;) {
    thanos::SeriesRequest all;
    all.set_min_time(testing::kFixtureStartMs);
    all.set_max_time(testing::kFixtureStartMs + 3 * testing::kTwoHoursMs);
    *all.add_matchers() = Matcher(thanos::LabelMatcher::RE, "__name__", ".+");
    (void)store->client().Series(all);
    firing = api.InstantQuerySize(bucket_failures);
    if (firing.ok() && *firing > 0) break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_OK(firing.status());
  EXPECT_GT(*firing, 0u) << "ThanosStoreBucketHighOperationFailures stayed empty with the bucket "
                            "gone";
}

}  // namespace
}  // namespace charon::e2e
