// The deployment examples in deploy/ parse and run as written: the systemd unit's ExecStart and the
// Kubernetes StatefulSet's args start real `charon store` child processes, with only what must be
// local changed (binary path, data dir, bucket config, addresses). The StatefulSet's shards are
// started side by side and must split the bucket's blocks between them, each block served once.
//
// CHARON_BINARY names the charon executable and CHARON_DEPLOY_DIR the deploy/ directory (both set
// by CMake); the tests fail without them.
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "e2e/http_get.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/block_fixtures.h"
#include "testing/child_process.h"
#include "testing/free_port.h"
#include "testing/memcached_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::e2e {
namespace {

using ::charon::testing::ChildProcess;
using ::charon::testing::TempDir;
using ::testing::Contains;
using ::testing::HasSubstr;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  EXPECT_NE(v, nullptr) << name << " must be set";
  return v != nullptr ? v : "";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces the value of `--flag=...` in `args`; fails the test when the flag is absent.
void SetFlag(std::vector<std::string>* args, const std::string& flag, const std::string& value) {
  for (std::string& a : *args) {
    if (absl::StartsWith(a, flag + "=")) {
      a = flag + "=" + value;
      return;
    }
  }
  ADD_FAILURE() << flag << " not in the example's flags";
}

std::string FlagValue(const std::vector<std::string>& args, const std::string& flag) {
  for (const std::string& a : args) {
    if (absl::StartsWith(a, flag + "=")) return a.substr(flag.size() + 1);
  }
  return "";
}

struct Local {
  std::unique_ptr<ChildProcess> process;
  int http_port = 0;
};

// Runs the example's args with local addresses; the caller adapted paths already.
Local Start(const TempDir& work, const std::string& name, std::vector<std::string> args) {
  Local l;
  absl::StatusOr<int> grpc = testing::PickFreePort();
  absl::StatusOr<int> http = testing::PickFreePort();
  EXPECT_OK(grpc.status());
  EXPECT_OK(http.status());
  l.http_port = http.value_or(0);
  SetFlag(&args, "--grpc-address", absl::StrCat("127.0.0.1:", grpc.value_or(0)));
  SetFlag(&args, "--http-address", absl::StrCat("127.0.0.1:", l.http_port));
  testing::ChildProcessOptions o;
  o.argv = {Env("CHARON_BINARY")};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.log_path = work.Path(name + ".log");
  absl::StatusOr<std::unique_ptr<ChildProcess>> p = ChildProcess::Start(std::move(o));
  EXPECT_OK(p.status());
  if (p.ok()) l.process = *std::move(p);
  return l;
}

std::set<std::string> LoadedBlocks(int http_port) {
  std::set<std::string> out;
  absl::StatusOr<HttpResponse> r =
      HttpGet(absl::StrCat("http://127.0.0.1:", http_port, "/api/v1/blocks?view=loaded"));
  EXPECT_OK(r.status());
  if (!r.ok()) return out;
  nlohmann::json doc = nlohmann::json::parse(r->body, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r->body;
  if (doc.is_discarded()) return out;
  for (const auto& b : doc["data"]["blocks"]) out.insert(b["ulid"].get<std::string>());
  return out;
}

std::set<std::string> BucketBlocks(const std::vector<std::string>& dirs) {
  std::set<std::string> ids;
  for (const std::string& d : dirs) ids.insert(std::filesystem::path(d).filename().string());
  return ids;
}

TEST(DeploySystemd, UnitIsHardenedAndItsExecStartRuns) {
  const std::string unit = Slurp(Env("CHARON_DEPLOY_DIR") + "/systemd/charon-store.service");
  // Continuation lines joined, comments dropped; the last value of a key wins, as in systemd, but
  // repeated keys (SystemCallFilter) are all kept.
  std::multimap<std::string, std::string> service;
  std::string section, pending;
  for (absl::string_view raw : absl::StrSplit(unit, '\n')) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (pending.empty() && (line.empty() || line[0] == '#' || line[0] == ';')) continue;
    if (absl::ConsumeSuffix(&line, "\\")) {
      absl::StrAppend(&pending, line, " ");
      continue;
    }
    std::string full = absl::StrCat(pending, line);
    pending.clear();
    if (full.front() == '[') {
      section = full;
      continue;
    }
    const size_t eq = full.find('=');
    ASSERT_NE(eq, std::string::npos) << full;
    if (section == "[Service]") service.emplace(full.substr(0, eq), full.substr(eq + 1));
  }
  auto value = [&](const std::string& key) {
    auto [b, e] = service.equal_range(key);
    return b == e ? std::string("<unset>") : std::prev(e)->second;
  };
  EXPECT_EQ(value("NoNewPrivileges"), "yes");
  EXPECT_EQ(value("ProtectSystem"), "strict");
  EXPECT_EQ(value("ProtectHome"), "yes");
  EXPECT_EQ(value("PrivateTmp"), "yes");
  EXPECT_EQ(value("PrivateDevices"), "yes");
  EXPECT_EQ(value("CapabilityBoundingSet"), "");
  EXPECT_EQ(value("RestrictAddressFamilies"), "AF_INET AF_INET6 AF_UNIX");
  EXPECT_EQ(value("MemoryDenyWriteExecute"), "yes");
  EXPECT_EQ(value("KillSignal"), "SIGTERM");
  EXPECT_EQ(value("DynamicUser"), "yes");

  std::vector<std::string> exec = absl::StrSplit(value("ExecStart"), ' ', absl::SkipEmpty());
  ASSERT_GE(exec.size(), 3u);
  EXPECT_EQ(exec[0], "/usr/local/bin/charon");
  std::vector<std::string> args(exec.begin() + 1, exec.end());
  EXPECT_EQ(args[0], "store");
  // ProtectSystem=strict leaves only the state directory writable: the data dir must be it.
  EXPECT_EQ(FlagValue(args, "--data-dir"), "/var/lib/" + value("StateDirectory"));
  EXPECT_EQ(FlagValue(args, "--objstore.config-file"),
            "/etc/" + value("ConfigurationDirectory") + "/bucket.yml");
  YAML::Node bucket = YAML::LoadFile(Env("CHARON_DEPLOY_DIR") + "/systemd/bucket.yml");
  EXPECT_EQ(bucket["type"].as<std::string>(), "S3");

  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("deploy"));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> blocks,
                       testing::AdjacentBlocks().WriteBlocks(work.Path("bucket")));
  ASSERT_OK(testing::WriteFile(
      work.Path("bucket.yml"),
      absl::StrCat("type: FILESYSTEM\nconfig:\n  directory: ", work.Path("bucket"), "\n")));
  SetFlag(&args, "--data-dir", work.Path("var/lib/charon-store"));
  SetFlag(&args, "--objstore.config-file", work.Path("bucket.yml"));
  Local store = Start(work, "systemd", args);
  ASSERT_NE(store.process, nullptr);
  ASSERT_OK(store.process->WaitForHttp(store.http_port, "/-/ready", absl::Seconds(60)));
  EXPECT_EQ(LoadedBlocks(store.http_port), BucketBlocks(blocks));
  // What `systemctl stop` does: SIGTERM, then a clean exit well within TimeoutStopSec.
  EXPECT_EQ(store.process->Stop(), 0) << store.process->LogTail();
}

TEST(DeployKubernetes, StatefulSetShardsSplitTheBucketAndRunAsWritten) {
  std::vector<YAML::Node> docs =
      YAML::LoadAllFromFile(Env("CHARON_DEPLOY_DIR") + "/kubernetes/charon-store.yaml");
  std::map<std::string, YAML::Node> by_kind_name;
  for (const YAML::Node& d : docs) {
    by_kind_name[d["kind"].as<std::string>() + "/" + d["metadata"]["name"].as<std::string>()] = d;
  }
  ASSERT_TRUE(by_kind_name.count("StatefulSet/charon-store"));
  ASSERT_TRUE(by_kind_name.count("Service/charon-store"));
  ASSERT_TRUE(by_kind_name.count("StatefulSet/charon-memcached"));
  ASSERT_TRUE(by_kind_name.count("Service/charon-memcached"));
  const YAML::Node sts = by_kind_name["StatefulSet/charon-store"];
  const int replicas = sts["spec"]["replicas"].as<int>();
  ASSERT_GE(replicas, 2);
  const YAML::Node container = sts["spec"]["template"]["spec"]["containers"][0];
  std::vector<std::string> args = container["args"].as<std::vector<std::string>>();
  // Block scalars end with a newline; the flag value is what follows '='.
  for (std::string& a : args) a = std::string(absl::StripTrailingAsciiWhitespace(a));

  // Readiness on /-/ready of the port --http-address listens on.
  const YAML::Node probe = container["readinessProbe"]["httpGet"];
  EXPECT_EQ(probe["path"].as<std::string>(), "/-/ready");
  int http_container_port = 0;
  for (const YAML::Node& p : container["ports"]) {
    if (p["name"].as<std::string>() == probe["port"].as<std::string>()) {
      http_container_port = p["containerPort"].as<int>();
    }
  }
  EXPECT_EQ(FlagValue(args, "--http-address"), absl::StrCat("0.0.0.0:", http_container_port));
  bool pod_index_env = false;
  for (const YAML::Node& e : container["env"]) {
    pod_index_env |= e["name"].as<std::string>() == "POD_INDEX" &&
                     e["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>() ==
                         "metadata.labels['apps.kubernetes.io/pod-index']";
  }
  EXPECT_TRUE(pod_index_env);

  // One hashmod over __block_id whose modulus is the replica count, kept by the pod's ordinal.
  YAML::Node relabel = YAML::Load(FlagValue(args, "--selector.relabel-config"));
  ASSERT_TRUE(relabel.IsSequence());
  ASSERT_EQ(relabel.size(), 2u);
  EXPECT_EQ(relabel[0]["action"].as<std::string>(), "hashmod");
  EXPECT_EQ(relabel[0]["source_labels"][0].as<std::string>(), "__block_id");
  EXPECT_EQ(relabel[0]["modulus"].as<int>(), replicas);
  EXPECT_EQ(relabel[1]["action"].as<std::string>(), "keep");
  EXPECT_EQ(relabel[1]["regex"].as<std::string>(), "$(POD_INDEX)");
  // Both caches in memcached, at the memcached Service.
  for (const char* flag : {"--index-cache.config", "--store.caching-bucket.config"}) {
    YAML::Node cache = YAML::Load(FlagValue(args, flag));
    EXPECT_EQ(cache["type"].as<std::string>(), "MEMCACHED") << flag;
    EXPECT_THAT(cache["config"]["addresses"][0].as<std::string>(), HasSubstr("charon-memcached"))
        << flag;
  }

  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("deploy"));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> blocks,
                       testing::FewSeriesManySamples().WriteBlocks(work.Path("bucket")));
  ASSERT_OK(testing::WriteFile(
      work.Path("bucket.yml"),
      absl::StrCat("type: FILESYSTEM\nconfig:\n  directory: ", work.Path("bucket"), "\n")));
  ASSERT_OK_AND_ASSIGN(auto memcached, testing::MemcachedServer::Start());

  std::vector<Local> shards;
  for (int ordinal = 0; ordinal < replicas; ++ordinal) {
    std::vector<std::string> local = args;
    for (std::string& a : local) {
      // What Kubernetes does with $(POD_INDEX), and the cluster's memcached replaced by ours.
      a = absl::StrReplaceAll(a, {{"$(POD_INDEX)", absl::StrCat(ordinal)},
                                  {"dnssrv+_client._tcp.charon-memcached.thanos.svc.cluster.local",
                                   memcached->address()}});
    }
    SetFlag(&local, "--data-dir", work.Path(absl::StrCat("shard-", ordinal, "/data")));
    SetFlag(&local, "--objstore.config-file", work.Path("bucket.yml"));
    shards.push_back(Start(work, absl::StrCat("shard-", ordinal), local));
    ASSERT_NE(shards.back().process, nullptr);
  }
  std::set<std::string> served;
  size_t total = 0;
  for (int ordinal = 0; ordinal < replicas; ++ordinal) {
    Local& s = shards[ordinal];
    ASSERT_OK(
        s.process->WaitForHttp(s.http_port, probe["path"].as<std::string>(), absl::Seconds(60)));
    std::set<std::string> loaded = LoadedBlocks(s.http_port);
    SCOPED_TRACE(absl::StrCat("shard ", ordinal));
    EXPECT_FALSE(loaded.empty()) << "24 blocks over 3 shards left one empty";
    total += loaded.size();
    served.insert(loaded.begin(), loaded.end());
  }
  EXPECT_EQ(served, BucketBlocks(blocks));
  EXPECT_EQ(total, served.size()) << "a block is served by more than one shard";
}

}  // namespace
}  // namespace charon::e2e
